/// A complete HTTP response, whatever its status.
public struct HTTPResponse: Sendable {
    /// The status code, e.g. 200, 429, 500.
    public var status: Int
    /// Response header fields in arrival order, names lower-cased.
    public var headers: [HTTPHeader]
    /// The response body.
    public var body: [UInt8]
    /// The protocol version that carried the response: `"1.0"`, `"1.1"`, `"2"` or `"3"`.
    public var httpVersion: String

    /// Creates a response (mostly useful in tests of code that consumes responses).
    public init(status: Int, headers: [HTTPHeader] = [], body: [UInt8] = [], httpVersion: String = "1.1") {
        self.status = status
        self.headers = headers
        self.body = body
        self.httpVersion = httpVersion
    }

    /// The body decoded as UTF-8 (invalid sequences replaced).
    public var bodyString: String { String(decoding: body, as: UTF8.self) }

    /// The value of the first header field called `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}
