import NotifyCore
import Crypto
import Foundation

/// Encrypts contact fields at rest (AES-256-GCM, random nonce per value) and makes keyed hashes
/// (HMAC-SHA256) for the few lookups by value. Both keys derive from one configured secret.
public struct FieldCipher: Sendable {
    private let encryptionKey: SymmetricKey
    private let hashKey: SymmetricKey

    /// Values written by this cipher start with this tag, so a plaintext value is never mistaken for one.
    static let prefix = "v1:"

    /// `secret` is 32 random bytes.
    public init(secret: [UInt8]) throws {
        guard secret.count == 32 else { throw StoreError.badKey("the encryption key must be 32 bytes") }
        let master = SymmetricKey(data: secret)
        encryptionKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Data("notifyme field encryption".utf8), outputByteCount: 32)
        hashKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Data("notifyme keyed hash".utf8), outputByteCount: 32)
    }

    /// Base64 of nonce, ciphertext and tag, behind the version prefix.
    public func seal(_ plaintext: String) throws -> String {
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: encryptionKey)
        guard let combined = box.combined else { throw StoreError.badKey("AES-GCM produced no combined form") }
        return Self.prefix + combined.base64EncodedString()
    }

    /// The plaintext of a sealed value; throws if it was altered or sealed with another key.
    public func open(_ sealed: String) throws -> String {
        guard sealed.hasPrefix(Self.prefix), let data = Data(base64Encoded: String(sealed.dropFirst(Self.prefix.count))) else {
            throw StoreError.badKey("value is not sealed")
        }
        let box = try AES.GCM.SealedBox(combined: data)
        return String(decoding: try AES.GCM.open(box, using: encryptionKey), as: UTF8.self)
    }

    /// A stable keyed hash of `value` (hex), for indexes that must find a record by it.
    public func keyedHash(_ value: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: hashKey).withUnsafeBytes { Hex.encode($0) }
    }

    /// The cipher for a configured key: `key` (base64) when not empty, else the key file (created if missing).
    public static func load(key: String, keyFile: String) throws -> FieldCipher {
        try FieldCipher(secret: key.isEmpty ? loadOrCreateKey(path: keyFile) : decodeKey(key, source: "the configured encryption key"))
    }

    /// Reads a 32-byte key from a file holding it as base64, creating one (mode 0600) if missing.
    public static func loadOrCreateKey(path: String) throws -> [UInt8] {
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            return try decodeKey(text, source: path)
        }
        var rng = SystemRandomNumberGenerator()
        let key = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        // Another process created it first: use theirs.
        guard fd >= 0 else { return try decodeKey(try String(contentsOfFile: path, encoding: .utf8), source: path) }
        defer { close(fd) }
        let text = Array((Data(key).base64EncodedString() + "\n").utf8)
        guard write(fd, text, text.count) == text.count else { throw StoreError.badKey("cannot write \(path)") }
        return key
    }

    /// Decodes a base64 key, checking its length.
    public static func decodeKey(_ text: String, source: String) throws -> [UInt8] {
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), data.count == 32 else {
            throw StoreError.badKey("\(source) must hold 32 bytes as base64")
        }
        return [UInt8](data)
    }
}

#if canImport(Glibc)
import Glibc
#endif
