import Crypto
import Foundation

/// Reads the PEM key files push providers are configured with.
enum PushKeyFile {
    /// The file's text; a missing or unreadable file names the setting and path, never the content.
    static func read(_ path: String, provider: String, setting: String) throws(PushConfigurationError) -> String {
        guard !path.isEmpty else { throw .invalid(provider, setting, "is empty; it must name a PEM key file") }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw .unreadable(provider, setting, path: path) }
        return text
    }

    /// A P-256 signing key from PEM: PKCS#8 (`BEGIN PRIVATE KEY`, as Apple's .p8 files) or SEC1 (`BEGIN EC PRIVATE KEY`).
    static func p256Key(pem: String, provider: String, setting: String, path: String) throws(PushConfigurationError) -> P256.Signing.PrivateKey {
        do { return try P256.Signing.PrivateKey(pemRepresentation: pem) } catch {
            throw .invalidKey(provider, setting, "names \(path), which is not a P-256 private key in PEM form")
        }
    }
}
