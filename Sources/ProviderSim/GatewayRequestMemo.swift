import Foundation

/// What the messages of one gateway request share, worked out once for all of them: a batch's messages mostly carry
/// the same callback URL, and their receipts the same time to the second.
struct GatewayRequestMemo {
    private var validCallback: String?
    private var receiptAt: String?

    /// Whether `callback` is an http(s) URL.
    mutating func isValidCallback(_ callback: String) -> Bool {
        if callback == validCallback { return true }
        guard URL(string: callback)?.scheme?.hasPrefix("http") == true else { return false }
        validCallback = callback
        return true
    }

    /// When a receipt of this request says its message was delivered: `delay` after the first one asked, ISO 8601 to
    /// the second.
    mutating func receiptTime(delay: Duration) -> String {
        if let receiptAt { return receiptAt }
        let at = Date().addingTimeInterval(delay.seconds).ISO8601Format()
        receiptAt = at
        return at
    }
}
