import Crypto

/// RFC 8291 message encryption for Web Push: ECDH with the subscription's P-256 key, HKDF-SHA-256
/// with its auth secret, and one aes128gcm record (RFC 8188) with a 4096-byte record size.
public enum WebPushEncryption {
    /// The record size written in the header.
    public static let recordSize = 4096
    /// The largest plaintext a push message can carry: 4096 bytes of body less the 86-byte header,
    /// the 16-byte tag and the padding delimiter (RFC 8291 section 4).
    public static let maxPlaintextLength = 3993

    /// Encrypts `plaintext` for the subscription keys `p256dh` (65 bytes, uncompressed) and `auth` (16 bytes)
    /// with a fresh ephemeral key and salt. Returns the request body: header, then the record.
    public static func encrypt(_ plaintext: [UInt8], p256dh: [UInt8], auth: [UInt8]) throws(WebPushEncryptionError) -> [UInt8] {
        let salt = SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) }
        return try encrypt(plaintext, p256dh: p256dh, auth: auth, ephemeralKey: P256.KeyAgreement.PrivateKey(), salt: salt)
    }

    /// Encrypts with the given application-server ephemeral key and salt: deterministic, for test vectors.
    /// Production code uses ``encrypt(_:p256dh:auth:)``; reusing a key and salt breaks confidentiality.
    /// `padding` zero bytes follow the 0x02 delimiter to hide the plaintext's length.
    public static func encrypt(_ plaintext: [UInt8], p256dh: [UInt8], auth: [UInt8], ephemeralKey: P256.KeyAgreement.PrivateKey,
                               salt: [UInt8], padding: Int = 0) throws(WebPushEncryptionError) -> [UInt8] {
        guard salt.count == 16 else { throw .invalidParameters("the salt must be 16 bytes") }
        guard padding >= 0 else { throw .invalidParameters("padding must not be negative") }
        guard plaintext.count + padding <= maxPlaintextLength else { throw .tooLarge }
        guard auth.count == 16 else { throw .invalidAuthSecret }
        guard p256dh.count == 65, p256dh.first == 0x04,
              let uaPublic = try? P256.KeyAgreement.PublicKey(x963Representation: p256dh),
              let shared = try? ephemeralKey.sharedSecretFromKeyAgreement(with: uaPublic)
        else { throw .invalidPublicKey }
        let asPublic = [UInt8](ephemeralKey.publicKey.x963Representation)

        // IKM = HKDF(salt: auth_secret, ikm: ecdh_secret, info: "WebPush: info" 0x00 ua_public as_public, 32)
        let keyInfo = Array("WebPush: info".utf8) + [0] + p256dh + asPublic
        let ikm = shared.hkdfDerivedSymmetricKey(using: SHA256.self, salt: auth, sharedInfo: keyInfo, outputByteCount: 32)
        let cek = HKDF<SHA256>.deriveKey(inputKeyMaterial: ikm, salt: salt, info: Array("Content-Encoding: aes128gcm".utf8) + [0],
                                         outputByteCount: 16)
        let nonceBytes = HKDF<SHA256>.deriveKey(inputKeyMaterial: ikm, salt: salt, info: Array("Content-Encoding: nonce".utf8) + [0],
                                                outputByteCount: 12).withUnsafeBytes { Array($0) }

        // One record, so the last-record delimiter 0x02 (RFC 8188 section 2).
        let record = plaintext + [0x02] + [UInt8](repeating: 0, count: padding)
        let sealed: AES.GCM.SealedBox
        do { sealed = try AES.GCM.seal(record, using: cek, nonce: try AES.GCM.Nonce(data: nonceBytes)) } catch {
            throw .invalidParameters("AES-GCM refused the record")
        }
        let rs = UInt32(recordSize)
        let header = salt + [UInt8(rs >> 24), UInt8((rs >> 16) & 0xFF), UInt8((rs >> 8) & 0xFF), UInt8(rs & 0xFF)]
            + [UInt8(asPublic.count)] + asPublic
        return header + [UInt8](sealed.ciphertext) + [UInt8](sealed.tag)
    }
}
