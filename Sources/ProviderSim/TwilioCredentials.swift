/// A Twilio account: basic-auth user and password, and key of `X-Twilio-Signature`.
public struct TwilioCredentials: Sendable, Codable, Equatable {
    /// "AC" and 32 hex digits.
    public var accountSid: String
    /// 32 hex digits.
    public var authToken: String

    /// Creates Twilio credentials.
    public init(accountSid: String, authToken: String) {
        self.accountSid = accountSid
        self.authToken = authToken
    }
}
