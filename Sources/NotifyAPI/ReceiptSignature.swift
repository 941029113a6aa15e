import Crypto
import Foundation

/// Checks the signatures providers put on delivery receipts. Comparisons are constant-time.
enum ReceiptSignature {
    /// The generic gateway: `X-Gateway-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`,
    /// refused when `t` is further than `window` from `now` (a replay).
    static func gatewayValid(header: String, body: [UInt8], secret: String, now: Date, window: Duration) -> Bool {
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
        let signed = Array("\(timestamp).".utf8) + body
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: signed, using: SymmetricKey(data: Array(secret.utf8)))
    }

    /// Twilio: `X-Twilio-Signature` is base64(HMAC-SHA1(authToken, url + each name and value, sorted by name)).
    static func twilioValid(header: String, url: String, parameters: [(name: String, value: String)], authToken: String) -> Bool {
        guard let mac = Data(base64Encoded: header), !authToken.isEmpty else { return false }
        let sorted = parameters.sorted { ($0.name, $0.value) < ($1.name, $1.value) }
        let signed = url + sorted.map { $0.name + $0.value }.joined()
        return HMAC<Insecure.SHA1>.isValidAuthenticationCode(Array(mac), authenticating: Array(signed.utf8),
                                                             using: SymmetricKey(data: Array(authToken.utf8)))
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
