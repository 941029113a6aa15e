import Transport

extension HTTPVersion {
    /// HTTP/2 for a push provider at `baseURL`: negotiated through TLS for https, prior knowledge for
    /// cleartext (a local simulator), since APNs speaks nothing but HTTP/2.
    static func http2(for baseURL: String) -> HTTPVersion {
        baseURL.lowercased().hasPrefix("http://") ? .http2PriorKnowledge : .http2TLS
    }
}
