import Foundation
import NotifyCore
import NotifyStore

/// A delivery receipt as a provider reported it, reduced to what NotifyMe records.
struct ProviderReceipt: Sendable {
    let messageId: String
    /// delivered or failed; nil for an intermediate status (sent, queued) that moves nothing.
    let outcome: NotificationStatus?
    let detail: String
    /// The notification the receipt names itself (the gateway echoes the `reference` it was sent), when it names one.
    var notificationId: String? = nil

    /// Most receipts one gateway body may carry.
    static let gatewayBatchLimit = 1000

    /// The generic gateway's JSON: one receipt `{id, status: delivered|failed, error?}`, or several as
    /// `{receipts: [...]}` (a busy gateway reports in batches). Nil when the body, or any receipt in it, is unreadable.
    static func gateway(_ body: [UInt8]) -> [ProviderReceipt]? {
        guard let decoded = GatewayBody.parse(body) else { return nil }
        switch decoded {
        case .single(let item): return [gateway(item)]
        case .batch(let items):
            guard !items.isEmpty, items.count <= gatewayBatchLimit else { return nil }
            return items.map(gateway)
        }
    }

    private static func gateway(_ item: GatewayBody.Item) -> ProviderReceipt {
        let named = item.reference.flatMap { Digest.isID($0, prefix: "ntf_") ? $0 : nil }
        switch item.status {
        case "delivered": return ProviderReceipt(messageId: item.id, outcome: .delivered, detail: "delivered (gateway receipt)", notificationId: named)
        case "failed", "undelivered", "rejected", "expired":
            return ProviderReceipt(messageId: item.id, outcome: .failed, detail: "not delivered: \(item.error ?? item.status) (gateway receipt)",
                                   notificationId: named)
        default: return ProviderReceipt(messageId: item.id, outcome: nil, detail: item.status, notificationId: named)
        }
    }

    /// Twilio's status callback parameters: MessageSid, MessageStatus, ErrorCode.
    static func twilio(_ parameters: [(name: String, value: String)]) -> ProviderReceipt? {
        func value(_ name: String) -> String? { parameters.first { $0.name == name }?.value }
        guard let sid = value("MessageSid"), let status = value("MessageStatus") else { return nil }
        switch status {
        case "delivered": return ProviderReceipt(messageId: sid, outcome: .delivered, detail: "delivered (Twilio receipt)")
        case "undelivered", "failed":
            return ProviderReceipt(messageId: sid, outcome: .failed, detail: "\(status): error \(value("ErrorCode") ?? "none") (Twilio receipt)")
        default: return ProviderReceipt(messageId: sid, outcome: nil, detail: status)
        }
    }
}
