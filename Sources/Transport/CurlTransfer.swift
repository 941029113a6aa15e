import CCurl

/// The state of one transfer: its easy handle, upload source, collected response and continuation.
///
/// @unchecked Sendable: the object moves between threads in three strict phases, each with one
/// owner. The submitting task configures it, then hands it to the engine under the engine lock
/// (`continuation` and `cancelled` are only read and written under that lock while queued). From
/// then on only the engine thread touches it (libcurl callbacks run on that thread too), until the
/// engine resumes the continuation; after that only the resumed task reads the results.
final class CurlTransfer: @unchecked Sendable {
    enum Kind: Sendable {
        case http
        case smtp
    }

    let easy: UnsafeMutableRawPointer
    let kind: Kind
    /// For debug logs: method or "SMTP", plus scheme and host. Never paths, queries or credentials.
    let logLabel: String

    // Upload source, read by the read/seek callbacks.
    let upload: [UInt8]
    var uploadOffset = 0

    // Response, filled by the header/write callbacks.
    var responseHeaders: [HTTPHeader] = []
    var responseBody: [UInt8] = []
    var status = 0
    var httpVersion = ""

    // C memory owned by this transfer, released by `releaseCResources()`.
    var slists: [UnsafeMutablePointer<curl_slist>] = []
    let errorBuffer: UnsafeMutablePointer<CChar>

    // Guarded by the engine lock while queued.
    var continuation: CheckedContinuation<Void, any Error>?
    var cancelled = false

    let startedAt = ContinuousClock.now

    init(easy: UnsafeMutableRawPointer, kind: Kind, logLabel: String, upload: [UInt8]) {
        self.easy = easy
        self.kind = kind
        self.logLabel = logLabel
        self.upload = upload
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        self.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        releaseCResources()
        errorBuffer.deallocate()
    }

    /// Frees the header and recipient lists (safe to call twice).
    func releaseCResources() {
        for list in slists { curl_slist_free_all(list) }
        slists.removeAll()
    }

    /// The libcurl error text for the last failure, or "".
    var errorText: String { String(cString: errorBuffer) }

    /// Appends `value` to a new or existing curl_slist kept alive until the transfer ends.
    func makeSlist(_ values: [String]) throws(TransportError) -> UnsafeMutablePointer<curl_slist>? {
        var list: UnsafeMutablePointer<curl_slist>?
        for value in values {
            guard let appended = curl_slist_append(list, value) else {
                if let list { curl_slist_free_all(list) }
                throw TransportError.invalidRequest("out of memory building a header list")
            }
            list = appended
        }
        if let list { slists.append(list) }
        return list
    }

    /// Takes the body out without copying it.
    func takeBody() -> [UInt8] {
        let body = responseBody
        responseBody = []
        return body
    }

    /// The opaque pointer passed to libcurl callbacks as userdata. The engine keeps the
    /// transfer alive (in its active table) for as long as libcurl may call back.
    var userdata: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static func from(_ userdata: UnsafeMutableRawPointer?) -> CurlTransfer? {
        guard let userdata else { return nil }
        return Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    }
}
