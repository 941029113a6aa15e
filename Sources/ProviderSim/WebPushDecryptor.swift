import Crypto

/// Opens `aes128gcm` Web Push messages (RFC 8188 content coding, RFC 8291 key derivation).
enum WebPushDecryptor {
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// The plaintext of `body`, encrypted to `subscription`'s key and auth secret.
    static func decrypt(_ body: [UInt8], for subscription: StoredSubscription) throws(Failure) -> [UInt8] {
        // Header: salt (16) | record size (4, big-endian) | key id length (1) | key id (sender's public key).
        guard body.count >= 21 else { throw Failure("body shorter than the aes128gcm header") }
        let salt = Array(body[0..<16])
        let recordSize = body[16..<20].reduce(0) { $0 << 8 | Int($1) }
        let idLength = Int(body[20])
        guard idLength == 65, body.count > 21 + idLength else { throw Failure("key id must be a 65-byte P-256 public key") }
        guard recordSize >= 18 else { throw Failure("record size below 18") }
        let senderKey = Array(body[21..<(21 + idLength)])
        let (key, nonce) = try deriveKeyAndNonce(salt: salt, senderKey: senderKey, subscription: subscription)

        var plaintext: [UInt8] = []
        var records = body[(21 + idLength)...]
        var sequence: UInt64 = 0
        while !records.isEmpty {
            let record = records.prefix(recordSize)
            records = records.dropFirst(recordSize)
            var padded = try open(Array(record), key: key, nonce: nonce, sequence: sequence)
            // Padding: data, a delimiter (2 in the last record, 1 before), then zeros.
            while padded.last == 0 { padded.removeLast() }
            guard let delimiter = padded.popLast(), delimiter == (records.isEmpty ? 2 : 1) else {
                throw Failure("bad padding delimiter")
            }
            plaintext += padded
            sequence += 1
        }
        return plaintext
    }

    private static func deriveKeyAndNonce(salt: [UInt8], senderKey: [UInt8], subscription: StoredSubscription) throws(Failure) -> (SymmetricKey, [UInt8]) {
        let shared: SharedSecret
        do {
            shared = try subscription.privateKey.sharedSecretFromKeyAgreement(with: P256.KeyAgreement.PublicKey(x963Representation: senderKey))
        } catch {
            throw Failure("sender key is not a P-256 point")
        }
        let receiverKey = Array(subscription.privateKey.publicKey.x963Representation)
        let keyInfo = Array("WebPush: info".utf8) + [0] + receiverKey + senderKey
        let ikm = shared.hkdfDerivedSymmetricKey(using: SHA256.self, salt: subscription.authSecret, sharedInfo: keyInfo, outputByteCount: 32)
        let cek = HKDF<SHA256>.deriveKey(inputKeyMaterial: ikm, salt: salt, info: Array("Content-Encoding: aes128gcm".utf8) + [0], outputByteCount: 16)
        let nonce = HKDF<SHA256>.deriveKey(inputKeyMaterial: ikm, salt: salt, info: Array("Content-Encoding: nonce".utf8) + [0], outputByteCount: 12)
        return (cek, nonce.withUnsafeBytes { Array($0) })
    }

    /// Opens one record; its nonce is the base nonce XOR the record's sequence number.
    private static func open(_ record: [UInt8], key: SymmetricKey, nonce base: [UInt8], sequence: UInt64) throws(Failure) -> [UInt8] {
        guard record.count > 16 else { throw Failure("record shorter than its tag") }
        var nonce = base
        for index in 0..<8 { nonce[11 - index] ^= UInt8(truncatingIfNeeded: sequence >> (8 * UInt64(index))) }
        do {
            let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: nonce), ciphertext: record.dropLast(16), tag: record.suffix(16))
            return Array(try AES.GCM.open(box, using: key))
        } catch {
            throw Failure("decryption failed")
        }
    }
}
