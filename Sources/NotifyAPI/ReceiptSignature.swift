import Crypto
import Foundation
import NotifyStore

/// Checks the signatures providers put on delivery receipts. Comparisons are constant-time.
enum ReceiptSignature {
    /// The generic gateway: `X-Gateway-Signature` in the timestamped form, refused outside `window` (a replay).
    static func gatewayValid(header: String, body: [UInt8], secret: String, now: Date, window: Duration) -> Bool {
        TimestampedSignature.isValid(header, body: body, secret: secret, now: now, window: window)
    }

    /// Twilio: `X-Twilio-Signature` is base64(HMAC-SHA1(authToken, url + each name and value, sorted by name)).
    static func twilioValid(header: String, url: String, parameters: [(name: String, value: String)], authToken: String) -> Bool {
        guard let mac = Data(base64Encoded: header), !authToken.isEmpty else { return false }
        let sorted = parameters.sorted { ($0.name, $0.value) < ($1.name, $1.value) }
        let signed = url + sorted.map { $0.name + $0.value }.joined()
        return HMAC<Insecure.SHA1>.isValidAuthenticationCode(Array(mac), authenticating: Array(signed.utf8),
                                                             using: SymmetricKey(data: Array(authToken.utf8)))
    }
}
