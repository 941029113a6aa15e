import Crypto
import Foundation

/// Encrypts a Web Push message as an application server does (RFC 8291, one aes128gcm record),
/// spelling out the HKDF steps of RFC 8291 §3.4 so it does not share code with the simulator.
enum TestWebPushEncryptor {
    struct BadKey: Error {}

    static func encrypt(_ plaintext: [UInt8], p256dh: String, auth: String, padding: Int = 0) throws -> [UInt8] {
        guard let uaPublic = TestJWT.base64URLDecode(p256dh), let authSecret = TestJWT.base64URLDecode(auth) else { throw BadKey() }
        let ephemeral = P256.KeyAgreement.PrivateKey()
        let asPublic = Array(ephemeral.publicKey.x963Representation)
        let shared = try ephemeral.sharedSecretFromKeyAgreement(with: P256.KeyAgreement.PublicKey(x963Representation: uaPublic))
        let ecdhSecret = shared.withUnsafeBytes { Array($0) }
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255) }

        let prkKey = hmac(key: Array(authSecret), ecdhSecret)
        let keyInfo = Array("WebPush: info".utf8) + [0] + Array(uaPublic) + asPublic
        let ikm = hmac(key: prkKey, keyInfo + [1])
        let prk = hmac(key: salt, ikm)
        let cek = Array(hmac(key: prk, Array("Content-Encoding: aes128gcm".utf8) + [0, 1]).prefix(16))
        let nonce = Array(hmac(key: prk, Array("Content-Encoding: nonce".utf8) + [0, 1]).prefix(12))

        let record = plaintext + [2] + [UInt8](repeating: 0, count: padding)
        let sealed = try AES.GCM.seal(record, using: SymmetricKey(data: cek), nonce: AES.GCM.Nonce(data: nonce))
        let recordSize = UInt32(4096)
        let header = salt + withUnsafeBytes(of: recordSize.bigEndian) { Array($0) } + [UInt8(asPublic.count)] + asPublic
        return header + Array(sealed.ciphertext) + Array(sealed.tag)
    }

    private static func hmac(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: key)))
    }
}
