/// Random identifiers and secrets in the shapes real providers use.
enum RandomText {
    /// `count` lowercase hex digits.
    static func hex(_ count: Int) -> String {
        String(hex(of: bytes((count + 1) / 2)).prefix(count))
    }

    /// `count` characters from A-Z and 0-9 (APNs team and key ids).
    static func upperAlphanumeric(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".randomElement(using: &generator) ?? "A" })
    }

    /// `count` random bytes, base64url encoded (API keys, webhook secrets, access tokens).
    static func token(bytes count: Int) -> String {
        Base64URL.encode(bytes(count))
    }

    /// `count` random bytes. Each draw from the system generator is a system call, so each gives eight bytes: an
    /// FCM message id (one per push sent) takes one call, not one per digit.
    static func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var result: [UInt8] = []
        result.reserveCapacity(count)
        while result.count < count {
            var word = generator.next()
            for _ in 0..<min(8, count - result.count) {
                result.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return result
    }

    /// Lowercase hex of `bytes`.
    static func hex(of bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
