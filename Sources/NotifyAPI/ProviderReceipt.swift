import Foundation
import NotifyCore

/// A delivery receipt as a provider reported it, reduced to what NotifyMe records.
struct ProviderReceipt: Sendable {
    let messageId: String
    /// delivered or failed; nil for an intermediate status (sent, queued) that moves nothing.
    let outcome: NotificationStatus?
    let detail: String

    /// The generic gateway's JSON: `{id, status: delivered|failed, error?}`.
    static func gateway(_ body: [UInt8]) -> ProviderReceipt? {
        guard let json = try? JSONDecoder().decode([String: JSONValue].self, from: Data(body)),
              case .string(let id)? = json["id"], case .string(let status)? = json["status"] else { return nil }
        let error: String? = if case .string(let e)? = json["error"] { e } else { nil }
        switch status {
        case "delivered": return ProviderReceipt(messageId: id, outcome: .delivered, detail: "delivered (gateway receipt)")
        case "failed", "undelivered", "rejected", "expired":
            return ProviderReceipt(messageId: id, outcome: .failed, detail: "not delivered: \(error ?? status) (gateway receipt)")
        default: return ProviderReceipt(messageId: id, outcome: nil, detail: status)
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
