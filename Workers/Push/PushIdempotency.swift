import Crypto
import NotifyCore

/// Identifiers derived from a message's idempotency key, so that a resend of the same notification
/// to the same device is recognisable to the provider (APNs `apns-id`, Web Push `Topic`).
enum PushIdempotency {
    /// A UUID (lower-case, 8-4-4-4-12) from the first 16 bytes of SHA-256 of `key`, marked as an
    /// RFC 9562 version 8 (custom) UUID. The same key always gives the same UUID.
    static func uuid(for key: String) -> String {
        var bytes = Array(SHA256.hash(data: Array(key.utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (i, byte) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { text.append(UInt8(ascii: "-")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// 32 base64url characters (24 bytes of SHA-256 of `key`): the most a Web Push `Topic` may hold.
    static func topic(for key: String) -> String {
        Base64URL.encode(Array(SHA256.hash(data: Array(key.utf8)).prefix(24)))
    }
}
