/// An APNs token-based authentication key (a `.p8` file) and the app it sends for.
public struct APNsCredentials: Sendable, Codable, Equatable {
    /// The `iss` claim: 10 characters A-Z, 0-9.
    public var teamId: String
    /// The `kid` header: 10 characters A-Z, 0-9.
    public var keyId: String
    /// The P-256 signing key, PKCS#8 PEM, as Apple's `.p8` files hold it.
    public var privateKeyPEM: String
    /// The only `apns-topic` accepted.
    public var topic: String

    /// Creates APNs credentials.
    public init(teamId: String, keyId: String, privateKeyPEM: String, topic: String) {
        self.teamId = teamId
        self.keyId = keyId
        self.privateKeyPEM = privateKeyPEM
        self.topic = topic
    }
}
