import Crypto
import Foundation

/// `X-NotifyMe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`: the entity checks it with
/// its secret and refuses a timestamp far from its clock.
enum CallbackSignature {
    static let header = "X-NotifyMe-Signature"

    static func sign(secret: String, timestamp: Int, body: [UInt8]) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("\(timestamp).".utf8) + body, using: SymmetricKey(data: Array(secret.utf8)))
        return "t=\(timestamp),v1=" + mac.map { String(format: "%02x", $0) }.joined()
    }
}
