/// Why a Web Push message could not be encrypted for a subscription.
public struct WebPushEncryptionError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable { case invalidPublicKey, invalidAuthSecret, tooLarge, invalidParameters }

    private let code: Code
    /// What is wrong; never holds key material or plaintext.
    public let problem: String

    private init(_ code: Code, _ problem: String) {
        self.code = code
        self.problem = problem
    }

    static let invalidPublicKey = WebPushEncryptionError(.invalidPublicKey, "p256dh is not an uncompressed P-256 public key")
    static let invalidAuthSecret = WebPushEncryptionError(.invalidAuthSecret, "auth is not a 16-byte secret")
    static let tooLarge = WebPushEncryptionError(.tooLarge, "the payload is larger than 3993 bytes")
    static func invalidParameters(_ problem: String) -> WebPushEncryptionError { WebPushEncryptionError(.invalidParameters, problem) }

    /// Whether the subscription's own keys are unusable (so the subscription is).
    public var isInvalidSubscription: Bool { code == .invalidPublicKey || code == .invalidAuthSecret }
    /// Whether the payload was too large for one record.
    public var isTooLarge: Bool { code == .tooLarge }

    public var description: String { "Web Push encryption: \(problem)" }
}
