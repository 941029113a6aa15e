import NotifyCore
import Crypto
import Foundation

/// `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`: how the generic SMS gateway signs its receipts
/// and how NotifyMe signs its callbacks to entities. The timestamp lets the receiver refuse replays.
public enum TimestampedSignature {
    public static func sign(secret: String, timestamp: Int, body: [UInt8]) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("\(timestamp).".utf8) + body, using: SymmetricKey(data: Array(secret.utf8)))
        return mac.withUnsafeBytes { Hex.encode($0, prefix: "t=\(timestamp),v1=") }
    }

    /// Whether `header` signs `body` with `secret` at a time within `window` of `now` (compared in constant time).
    public static func isValid(_ header: String, body: [UInt8], secret: String, now: Date, window: Duration) -> Bool {
        var timestamp: Int?
        var mac: [UInt8]?
        for part in header.split(separator: ",") {
            let kv = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2 else { continue }
            if kv[0] == "t" { timestamp = Int(kv[1]) }
            if kv[0] == "v1" { mac = hexBytes(kv[1]) }
        }
        guard let timestamp, let mac, !secret.isEmpty else { return false }
        guard abs(now.timeIntervalSince1970 - TimeInterval(timestamp)) <= TimeInterval(window.components.seconds) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Array("\(timestamp).".utf8) + body,
                                                      using: SymmetricKey(data: Array(secret.utf8)))
    }

    private static func hexBytes(_ hex: String) -> [UInt8]? {
        guard hex.utf8.count % 2 == 0, hex.utf8.count <= 256 else { return nil }
        var bytes: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            guard let b = UInt8(hex[i..<j], radix: 16) else { return nil }
            bytes.append(b)
            i = j
        }
        return bytes
    }
}
