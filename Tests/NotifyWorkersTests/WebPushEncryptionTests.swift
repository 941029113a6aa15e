import Crypto
import Foundation
import NotifyCore
import Testing
@testable import NotifyWorkers

/// The receiving browser's side of RFC 8291, written from the RFC with plain HMAC-SHA-256 (not the HKDF
/// helpers the encryptor uses), so a round trip checks the encryptor against an independent reading.
enum WebPushTestDecryptor {
    struct Failure: Error {}

    static func hmac(_ key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: key)))
    }

    static func decrypt(_ body: [UInt8], uaKey: P256.KeyAgreement.PrivateKey, auth: [UInt8]) throws -> [UInt8] {
        guard body.count > 21 else { throw Failure() }
        let salt = Array(body[0..<16])
        let rs = body[16..<20].reduce(0) { $0 << 8 | Int($1) }
        let idLength = Int(body[20])
        guard rs >= 18, body.count >= 21 + idLength + 17 else { throw Failure() }
        let asPublicBytes = Array(body[21..<(21 + idLength)])
        let record = Array(body[(21 + idLength)...])
        guard record.count <= rs else { throw Failure() }

        let asPublic = try P256.KeyAgreement.PublicKey(x963Representation: asPublicBytes)
        let ecdh = try uaKey.sharedSecretFromKeyAgreement(with: asPublic).withUnsafeBytes { Array($0) }
        let uaPublic = Array(uaKey.publicKey.x963Representation)
        let prkKey = hmac(auth, ecdh)
        let ikm = hmac(prkKey, Array("WebPush: info".utf8) + [0] + uaPublic + asPublicBytes + [1])
        let prk = hmac(salt, ikm)
        let cek = Array(hmac(prk, Array("Content-Encoding: aes128gcm".utf8) + [0, 1]).prefix(16))
        let nonce = Array(hmac(prk, Array("Content-Encoding: nonce".utf8) + [0, 1]).prefix(12))

        let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: nonce), ciphertext: record.dropLast(16), tag: record.suffix(16))
        let padded = Array(try AES.GCM.open(box, using: SymmetricKey(data: cek)))
        // Strip the zero padding, then the last-record delimiter 0x02.
        guard let delimiter = padded.lastIndex(where: { $0 != 0 }), padded[delimiter] == 0x02 else { throw Failure() }
        return Array(padded[..<delimiter])
    }
}

@Suite struct WebPushEncryptionTests {
    // RFC 8291 section 5.
    static let plaintext = "When I grow up, I want to be a watermelon"
    static let asPrivate = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"
    static let asPublic = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8"
    static let uaPrivate = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"
    static let uaPublic = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
    static let salt = "DGv6ra1nlYgDCS1FRnbzlw"
    static let auth = "BTBZMqHH6r4Tts7J_aSIgg"
    static let body = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A"
        + "_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"

    static func bytes(_ text: String) throws -> [UInt8] { try #require(Base64URL.decode(text)) }

    @Test func rfc8291ExampleIsReproducedByteForByte() throws {
        let ephemeral = try P256.KeyAgreement.PrivateKey(rawRepresentation: Self.bytes(Self.asPrivate))
        #expect(Base64URL.encode(Array(ephemeral.publicKey.x963Representation)) == Self.asPublic)
        let encrypted = try WebPushEncryption.encrypt(Array(Self.plaintext.utf8), p256dh: Self.bytes(Self.uaPublic), auth: Self.bytes(Self.auth),
                                                      ephemeralKey: ephemeral, salt: Self.bytes(Self.salt))
        #expect(Base64URL.encode(encrypted) == Self.body)
    }

    @Test func testDecryptorReadsTheRFCExample() throws {
        let ua = try P256.KeyAgreement.PrivateKey(rawRepresentation: Self.bytes(Self.uaPrivate))
        let plain = try WebPushTestDecryptor.decrypt(Self.bytes(Self.body), uaKey: ua, auth: Self.bytes(Self.auth))
        #expect(String(decoding: plain, as: UTF8.self) == Self.plaintext)
    }

    @Test(arguments: [0, 1, 100])
    func roundTripWithFreshKeyAndSalt(padding: Int) throws {
        let ua = P256.KeyAgreement.PrivateKey()
        let auth = (0..<16).map { _ in UInt8.random(in: 0...255) }
        let message = Array(#"{"title":"Permit","body":"Your permit is ready ✓"}"#.utf8)
        let encrypted = padding == 0
            ? try WebPushEncryption.encrypt(message, p256dh: Array(ua.publicKey.x963Representation), auth: auth)
            : try WebPushEncryption.encrypt(message, p256dh: Array(ua.publicKey.x963Representation), auth: auth,
                                            ephemeralKey: P256.KeyAgreement.PrivateKey(), salt: Array(repeating: 7, count: 16), padding: padding)
        #expect(encrypted.count == 86 + message.count + 1 + padding + 16)
        #expect(try WebPushTestDecryptor.decrypt(encrypted, uaKey: ua, auth: auth) == message)
    }

    @Test func twoEncryptionsOfOneMessageDiffer() throws {
        let ua = P256.KeyAgreement.PrivateKey()
        let auth = [UInt8](repeating: 1, count: 16)
        let a = try WebPushEncryption.encrypt([1, 2, 3], p256dh: Array(ua.publicKey.x963Representation), auth: auth)
        let b = try WebPushEncryption.encrypt([1, 2, 3], p256dh: Array(ua.publicKey.x963Representation), auth: auth)
        #expect(a.prefix(16) != b.prefix(16))  // fresh salt
        #expect(a[21..<86] != b[21..<86])  // fresh ephemeral key
    }

    @Test func sizeLimitIsOneFullRecord() throws {
        let ua = P256.KeyAgreement.PrivateKey()
        let p256dh = Array(ua.publicKey.x963Representation)
        let auth = [UInt8](repeating: 1, count: 16)
        let largest = try WebPushEncryption.encrypt([UInt8](repeating: 65, count: 3993), p256dh: p256dh, auth: auth)
        #expect(largest.count == 4096)
        #expect(throws: WebPushEncryptionError.self) {
            try WebPushEncryption.encrypt([UInt8](repeating: 65, count: 3994), p256dh: p256dh, auth: auth)
        }
    }

    @Test func unusableSubscriptionKeysAreReportedAsSuch() throws {
        let auth = [UInt8](repeating: 1, count: 16)
        var notOnCurve = [UInt8](repeating: 1, count: 65)
        notOnCurve[0] = 0x04
        do {
            _ = try WebPushEncryption.encrypt([1], p256dh: notOnCurve, auth: auth)
            Issue.record("encrypted for a point that is not on the curve")
        } catch { #expect(error.isInvalidSubscription) }
        do {
            _ = try WebPushEncryption.encrypt([1], p256dh: Array(P256.KeyAgreement.PrivateKey().publicKey.x963Representation), auth: [1, 2])
            Issue.record("encrypted with a short auth secret")
        } catch { #expect(error.isInvalidSubscription) }
    }
}
