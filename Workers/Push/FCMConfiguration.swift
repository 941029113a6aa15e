/// Settings for one Firebase Cloud Messaging (HTTP v1) provider.
public struct FCMConfiguration: Sendable {
    /// The provider's name, unique across providers (health, rate limits, receipts).
    public var name: String
    /// Where the FCM API is: `https://fcm.googleapis.com`, or a simulator such as `http://127.0.0.1:PORT/fcm`.
    /// Messages go to `{baseURL}/v1/projects/{project_id}/messages:send`.
    public var baseURL: String
    /// The Google service-account JSON file (project_id, client_email, private_key, token_uri).
    public var serviceAccountFile: String
    /// Limit for one request, token requests included.
    public var timeout: Duration
    /// Limit for establishing a connection.
    public var connectTimeout: Duration
    /// How long before its expiry an access token is replaced.
    public var tokenRefreshMargin: Duration

    public init(name: String = "fcm", baseURL: String = "https://fcm.googleapis.com", serviceAccountFile: String,
                timeout: Duration = .seconds(10), connectTimeout: Duration = .seconds(3), tokenRefreshMargin: Duration = .seconds(60)) {
        self.name = name
        self.baseURL = baseURL
        self.serviceAccountFile = serviceAccountFile
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.tokenRefreshMargin = tokenRefreshMargin
    }

    /// `baseURL` without a trailing slash, after checking it is an http(s) URL.
    func checkedBaseURL() throws(PushConfigurationError) -> String {
        try PushURL.base(baseURL, provider: name)
    }
}
