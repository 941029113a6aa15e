/// Where and how to submit mail.
public struct SMTPServer: Sendable {
    /// `smtp://host:port` (plain or STARTTLS) or `smtps://host:port` (implicit TLS).
    public var url: String
    /// The AUTH user name; no AUTH when nil.
    public var username: String?
    /// The AUTH password.
    public var password: String?
    /// Require STARTTLS on an `smtp://` URL (`CURLOPT_USE_SSL = CURLUSESSL_ALL`); fail if the server lacks it.
    public var startTLS: Bool
    /// Limit for the whole submission; the connect phase gets at most 10 seconds of it.
    public var timeout: Duration
    /// The name sent in EHLO; libcurl's default when nil.
    public var heloName: String?

    /// Creates a server description.
    public init(
        url: String,
        username: String? = nil,
        password: String? = nil,
        startTLS: Bool = false,
        timeout: Duration = .seconds(30),
        heloName: String? = nil
    ) {
        self.url = url
        self.username = username
        self.password = password
        self.startTLS = startTLS
        self.timeout = timeout
        self.heloName = heloName
    }
}
