/// Which HTTP version a request asks libcurl to use.
public enum HTTPVersion: Sendable, Hashable {
    /// HTTP/1.1 only.
    case http1_1
    /// HTTP/2 when a TLS server offers it through ALPN, HTTP/1.1 otherwise (the default).
    case http2TLS
    /// HTTP/2 over cleartext without upgrade (h2c prior knowledge), e.g. for an APNs simulator.
    case http2PriorKnowledge
}
