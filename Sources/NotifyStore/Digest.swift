import Crypto
import NotifyCore
import Foundation

/// Hashes and identifiers used in keys.
public enum Digest {
    /// Lower-case hex SHA-256.
    public static func sha256Hex(_ text: String) -> String {
        sha256Hex(Data(text.utf8))
    }

    public static func sha256Hex(_ data: Data) -> String {
        SHA256.hash(data: data).withUnsafeBytes { Hex.encode($0) }
    }

    /// A random identifier such as `evt_3f9c...` (128 bits).
    public static func randomID(prefix: String) -> String {
        // Two draws of eight bytes: each draw is a getrandom call, so sixteen one-byte draws cost sixteen.
        var rng = SystemRandomNumberGenerator()
        return withUnsafeBytes(of: (rng.next() as UInt64, rng.next() as UInt64)) { Hex.encode($0, prefix: prefix) }
    }

    /// Whether `id` has the shape `randomID(prefix:)` and `notificationID` give: the prefix and 32 lower-case hex digits.
    /// Checked before a lookup so a caller's text never becomes part of a key.
    public static func isID(_ id: String, prefix: String) -> Bool {
        id.hasPrefix(prefix) && id.utf8.count == prefix.utf8.count + 32
            && id.utf8.dropFirst(prefix.utf8.count).allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    /// The notification id for one resident and one event: the same every time, so a
    /// redelivered fan-out entry finds the notification it already made.
    public static func notificationID(eventId: String, cpr: CPR) -> String {
        var text = "\(eventId)/\(cpr.value)"
        let digest = text.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
        return digest.withUnsafeBytes { Hex.encode(UnsafeRawBufferPointer(rebasing: $0.prefix(16)), prefix: "ntf_") }
    }
}
