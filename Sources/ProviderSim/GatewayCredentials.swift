/// What a client of the generic SMS gateway needs.
public struct GatewayCredentials: Sendable, Codable, Equatable {
    /// Sent as `Authorization: Bearer <apiKey>`.
    public var apiKey: String
    /// Key of the `X-Gateway-Signature` HMAC on receipts.
    public var webhookSecret: String

    /// Creates gateway credentials.
    public init(apiKey: String, webhookSecret: String) {
        self.apiKey = apiKey
        self.webhookSecret = webhookSecret
    }
}
