import Foundation

/// A Google service-account key, in the JSON shape Google's console downloads.
public struct FCMServiceAccount: Sendable, Equatable, Codable {
    public var type = "service_account"
    public var projectId: String
    public var privateKeyId: String
    /// RSA-2048 private key, PKCS#8 PEM.
    public var privateKeyPEM: String
    /// The `iss` of the OAuth assertion.
    public var clientEmail: String
    public var clientId: String
    /// Where to exchange the signed assertion for an access token (the simulator's `/fcm/token`).
    public var tokenURI: String

    enum CodingKeys: String, CodingKey {
        case type, projectId = "project_id", privateKeyId = "private_key_id", privateKeyPEM = "private_key"
        case clientEmail = "client_email", clientId = "client_id", tokenURI = "token_uri"
    }

    /// Creates a service account.
    public init(projectId: String, privateKeyId: String, privateKeyPEM: String, clientEmail: String, clientId: String, tokenURI: String) {
        self.projectId = projectId
        self.privateKeyId = privateKeyId
        self.privateKeyPEM = privateKeyPEM
        self.clientEmail = clientEmail
        self.clientId = clientId
        self.tokenURI = tokenURI
    }

    /// Parses a service-account JSON file's contents.
    public init(json: String) throws {
        do {
            self = try JSONDecoder().decode(FCMServiceAccount.self, from: Data(json.utf8))
        } catch {
            throw SimulatorError("service account JSON is not valid: \(error)")
        }
    }

    /// The JSON file's contents, as adapters load it.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
