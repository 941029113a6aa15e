import Foundation
import JWTKit

/// The parts of a Google service-account JSON file that FCM needs.
public struct FCMServiceAccount: Sendable {
    /// The Firebase project messages are sent through.
    public let projectId: String
    /// The account's email: the JWT issuer.
    public let clientEmail: String
    /// Where access tokens come from (`https://oauth2.googleapis.com/token`); also the JWT audience.
    public let tokenURI: String
    /// The key's id, sent as the JWT `kid` when the file has one.
    public let privateKeyId: String?
    let privateKey: Insecure.RSA.PrivateKey

    private struct File: Decodable {
        var project_id: String?
        var client_email: String?
        var private_key: String?
        var private_key_id: String?
        var token_uri: String?
    }

    /// Parses the service-account JSON; every problem names the field, never its value.
    public init(json: [UInt8], provider: String = "fcm") throws(PushConfigurationError) {
        let setting = "serviceAccountFile"
        guard let file = try? JSONDecoder().decode(File.self, from: Data(json)) else {
            throw .invalid(provider, setting, "is not a service-account JSON object")
        }
        guard let projectId = file.project_id, !projectId.isEmpty,
              projectId.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-.:_".unicodeScalars.contains($0)) })
        else { throw .invalid(provider, setting, "has no usable project_id") }
        guard let email = file.client_email, email.contains("@") else { throw .invalid(provider, setting, "has no client_email") }
        guard let pem = file.private_key, let key = try? Insecure.RSA.PrivateKey(pem: pem) else {
            throw .invalidKey(provider, setting, "has no private_key that is an RSA key (2048 bits or more) in PEM form")
        }
        let tokenURI = try PushURL.base(file.token_uri ?? "https://oauth2.googleapis.com/token", provider: provider, setting: "\(setting) token_uri")
        self.projectId = projectId
        self.clientEmail = email
        self.tokenURI = tokenURI
        self.privateKeyId = file.private_key_id.flatMap { $0.isEmpty ? nil : $0 }
        self.privateKey = key
    }

    /// Reads and parses the service-account file at `path`.
    public static func load(path: String, provider: String = "fcm") throws(PushConfigurationError) -> FCMServiceAccount {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(provider, "serviceAccountFile", path: path) }
        return try FCMServiceAccount(json: [UInt8](data), provider: provider)
    }
}
