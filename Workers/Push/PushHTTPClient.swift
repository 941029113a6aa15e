import Transport

/// What the push adapters need from HTTP: one request in, one response out, whatever its status.
/// ``CurlTransport`` in production; tests substitute a recorder.
public protocol PushHTTPClient: Sendable {
    /// Performs `request`; throws `TransportError` when no response arrived.
    func execute(_ request: HTTPRequest) async throws -> HTTPResponse
}

extension CurlTransport: PushHTTPClient {}
