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
        // 8-4-4-4-12: the dashes go before hex digits 8, 12, 16 and 20.
        var text = ""
        text.reserveCapacity(36)
        for (i, digit) in Hex.encode(bytes).unicodeScalars.enumerated() {
            if i == 8 || i == 12 || i == 16 || i == 20 { text.unicodeScalars.append("-") }
            text.unicodeScalars.append(digit)
        }
        return text
    }

    /// 32 base64url characters (24 bytes of SHA-256 of `key`): the most a Web Push `Topic` may hold.
    static func topic(for key: String) -> String {
        Base64URL.encode(Array(SHA256.hash(data: Array(key.utf8)).prefix(24)))
    }
}
