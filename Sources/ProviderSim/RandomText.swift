/// Random identifiers and secrets in the shapes real providers use.
enum RandomText {
    /// `count` lowercase hex digits.
    static func hex(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in "0123456789abcdef".randomElement(using: &generator) ?? "0" })
    }

    /// `count` characters from A-Z and 0-9 (APNs team and key ids).
    static func upperAlphanumeric(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".randomElement(using: &generator) ?? "A" })
    }

    /// `count` random bytes, base64url encoded (API keys, webhook secrets, access tokens).
    static func token(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// Lowercase hex of `bytes`.
    static func hex(of bytes: some Sequence<UInt8>) -> String {
        bytes.map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }
}
