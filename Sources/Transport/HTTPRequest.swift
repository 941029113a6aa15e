/// An HTTP request for ``CurlTransport/execute(_:)``.
public struct HTTPRequest: Sendable {
    /// The method, e.g. `GET`, `POST`, `PUT`, `DELETE`, `HEAD`.
    public var method: String
    /// The absolute URL (`http://` or `https://`).
    public var url: String
    /// Request header fields, sent in order. Names and values must not contain CR or LF.
    public var headers: [HTTPHeader]
    /// The request body; sent with a `Content-Length` when set.
    public var body: [UInt8]?
    /// Limit for the whole request, connect included (`CURLOPT_TIMEOUT_MS`).
    public var timeout: Duration
    /// Limit for establishing the connection, TLS included (`CURLOPT_CONNECTTIMEOUT_MS`).
    public var connectTimeout: Duration
    /// Which HTTP version to use.
    public var httpVersion: HTTPVersion

    /// Creates a request; only the URL is required.
    public init(
        method: String = "GET",
        url: String,
        headers: [HTTPHeader] = [],
        body: [UInt8]? = nil,
        timeout: Duration = .seconds(10),
        connectTimeout: Duration = .seconds(3),
        httpVersion: HTTPVersion = .http2TLS
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.httpVersion = httpVersion
    }
}
