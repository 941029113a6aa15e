import Crypto
import Foundation
import JWTKit
import NotifyCore

/// The application server's VAPID key pair (RFC 8292). Browsers subscribe with its public key, and push
/// services accept only messages whose JWT it signed: replacing it orphans every existing subscription.
public struct VAPIDKey: Sendable {
    let signingKey: ES256PrivateKey
    /// The uncompressed public key (65 bytes) in base64url: the `applicationServerKey` browsers subscribe with,
    /// and the `k` of the Authorization header.
    public let publicKeyBase64URL: String
    /// The private key in PEM form (SEC1), for saving.
    public let pemRepresentation: String

    init(_ key: P256.Signing.PrivateKey) throws {
        self.signingKey = try ES256PrivateKey(backing: key)
        self.publicKeyBase64URL = Base64URL.encode([UInt8](key.publicKey.x963Representation))
        self.pemRepresentation = key.pemRepresentation
    }

    /// Parses a PEM P-256 private key (PKCS#8 or SEC1).
    public init(pem: String, provider: String = "webpush", path: String = "") throws(PushConfigurationError) {
        let key = try PushKeyFile.p256Key(pem: pem, provider: provider, setting: "vapidKeyFile", path: path)
        do { try self.init(key) } catch { throw .invalidKey(provider, "vapidKeyFile", "holds a key that cannot be used for ES256") }
    }

    /// A new random key pair.
    public static func generate() -> VAPIDKey {
        // A freshly generated P-256 key is always a valid ES256 key, so this cannot fail.
        let key = P256.Signing.PrivateKey()
        guard let vapid = try? VAPIDKey(key) else { preconditionFailure("a new P-256 key was refused by JWTKit") }
        return vapid
    }

    /// Loads the key at `path`; when the file is missing and `createIfMissing`, generates one and saves it
    /// there (mode 0600). Two processes starting together end up with the same key.
    public static func load(path: String, createIfMissing: Bool, provider: String = "webpush") throws(PushConfigurationError) -> VAPIDKey {
        if !createIfMissing || FileManager.default.fileExists(atPath: path) {
            return try VAPIDKey(pem: PushKeyFile.read(path, provider: provider, setting: "vapidKeyFile"), provider: provider, path: path)
        }
        let key = generate()
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        // O_EXCL: when another process created the file first, its key wins and is read back.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            return try VAPIDKey(pem: PushKeyFile.read(path, provider: provider, setting: "vapidKeyFile"), provider: provider, path: path)
        }
        defer { close(fd) }
        let bytes = Array(key.pemRepresentation.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else {
            throw .invalid(provider, "vapidKeyFile", "names \(path), where a new key could not be written")
        }
        return key
    }
}
