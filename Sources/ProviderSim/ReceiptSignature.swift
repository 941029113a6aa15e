import Crypto
import Foundation

/// The webhook signatures providers put on receipts.
enum ReceiptSignature {
    /// `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
    static func gateway(secret: String, timestamp: Int, body: [UInt8]) -> String {
        let signed = Array("\(timestamp).".utf8) + body
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Array(secret.utf8)))
        return "t=\(timestamp),v1=\(RandomText.hex(of: mac))"
    }

    /// Twilio's algorithm: base64(HMAC-SHA1(authToken, url + each name+value, sorted by name)).
    static func twilio(authToken: String, url: String, parameters: [(name: String, value: String)]) -> String {
        let sorted = parameters.sorted { ($0.name, $0.value) < ($1.name, $1.value) }
        let signed = url + sorted.map { $0.name + $0.value }.joined()
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Array(signed.utf8), using: SymmetricKey(data: Array(authToken.utf8)))
        return Data(mac).base64EncodedString()
    }
}
