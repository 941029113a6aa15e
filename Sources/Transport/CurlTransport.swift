import CCurl
import Logging

/// One curl multi handle on one dedicated thread; HTTP and SMTP transfers share it.
///
/// Many transfers run at once on that thread; connections (and TLS sessions) are reused
/// through the multi handle's connection cache, and HTTP/2 streams are multiplexed on one
/// connection when the server supports it. Call ``shutdown()`` when done (deinit does it too).
public final class CurlTransport: Sendable {
    let engine: CurlEngine?
    let startupError: TransportError?
    let configuration: TransportConfiguration
    let logger: Logger

    /// Starts the transfer thread. If libcurl cannot be initialised, every call throws that error.
    public init(configuration: TransportConfiguration = .init(), logger: Logger = Logger(label: "transport")) {
        self.configuration = configuration
        self.logger = logger
        do {
            self.engine = try CurlEngine(configuration: configuration, logger: logger)
            self.startupError = nil
        } catch {
            self.engine = nil
            self.startupError = error
        }
    }

    deinit { engine?.shutdown() }

    /// Fails in-flight requests with ``TransportError/isShutdown``, stops the thread and frees the
    /// multi handle. Later calls to ``execute(_:)`` or ``send(_:via:)`` throw the same error.
    /// Idempotent and safe to call from any thread.
    public func shutdown() {
        engine?.shutdown()
    }

    /// Checks out an easy handle, lets `configure` set it up, and runs the transfer.
    func run(
        kind: CurlTransfer.Kind, label: String, upload: [UInt8],
        configure: (CurlTransfer, CurlEasy) throws(TransportError) -> Void
    ) async throws -> CurlTransfer {
        guard let engine else { throw startupError ?? TransportError.shutdown() }
        try Task.checkCancellation()
        let easy = try engine.checkoutHandle()
        let transfer = CurlTransfer(easy: easy, kind: kind, logLabel: label, upload: upload)
        do {
            let handle = CurlEasy(easy)
            try transfer.installCallbacks()
            try handle.set(CURLOPT_NOSIGNAL, true)
            try applyTLSSettings(handle)
            try configure(transfer, handle)
        } catch {
            transfer.releaseCResources()
            engine.recycle(easy)
            throw error
        }
        try await engine.perform(transfer)
        return transfer
    }

    private func applyTLSSettings(_ easy: CurlEasy) throws(TransportError) {
        if let path = configuration.caBundlePath { try easy.set(CURLOPT_CAINFO, path) }
        if !configuration.verifyPeer {
            try easy.set(CURLOPT_SSL_VERIFYPEER, false)
            try easy.set(CURLOPT_SSL_VERIFYHOST, 0)
        }
    }

    /// Scheme and host of `url` for logs, without user info, path or query.
    static func logTarget(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return "?" }
        var rest = url[schemeEnd.upperBound...]
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        return String(url[..<schemeEnd.upperBound]) + rest
    }
}
