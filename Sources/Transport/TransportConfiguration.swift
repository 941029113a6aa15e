/// Settings shared by every transfer of one ``CurlTransport``.
public struct TransportConfiguration: Sendable {
    /// Most connections open to one host at a time (`CURLMOPT_MAX_HOST_CONNECTIONS`).
    public var maxConnectionsPerHost: Int
    /// Most connections open in total (`CURLMOPT_MAX_TOTAL_CONNECTIONS`); also the size of the connection cache.
    public var maxTotalConnections: Int
    /// Most HTTP/2 streams libcurl runs at once on one connection (`CURLMOPT_MAX_CONCURRENT_STREAMS`);
    /// the server's own limit applies too. Further requests wait or open another connection.
    public var maxConcurrentStreams: Int
    /// The `User-Agent` sent with HTTP requests.
    public var userAgent: String
    /// A PEM file of trusted CA certificates (`CURLOPT_CAINFO`); the system store when nil.
    public var caBundlePath: String?
    /// Whether TLS peers must present a valid certificate for their host name.
    public var verifyPeer: Bool

    /// Creates a configuration; every setting has a production default.
    public init(
        maxConnectionsPerHost: Int = 16,
        maxTotalConnections: Int = 64,
        maxConcurrentStreams: Int = 100,
        userAgent: String = "NotifyMe/1.0",
        caBundlePath: String? = nil,
        verifyPeer: Bool = true
    ) {
        self.maxConnectionsPerHost = maxConnectionsPerHost
        self.maxTotalConnections = maxTotalConnections
        self.maxConcurrentStreams = maxConcurrentStreams
        self.userAgent = userAgent
        self.caBundlePath = caBundlePath
        self.verifyPeer = verifyPeer
    }
}
