import NotifyCore
import NotifyStore

extension ChannelDelivery {
    /// Why a notification cannot go out on this channel any more.
    struct Unusable: Error { let detail: String }

    /// Where this notification goes on this channel: the verified address, or every registered device.
    func resolveTargets(_ n: NotificationRecord, contact: Contact) async throws -> Result<[DeliveryTarget], Unusable> {
        targets(n, contact: contact, devices: channel == .push ? try await stores.devices.list(n.cpr) : [])
    }

    /// ``resolveTargets(_:contact:)`` with the resident's devices already read (they matter only for push).
    func targets(_ n: NotificationRecord, contact: Contact, devices: [Device]) -> Result<[DeliveryTarget], Unusable> {
        if channel == .push {
            let targets = devices.compactMap { d in
                pools.pool(for: d).map { DeliveryTarget(key: "device:\(d.id)", address: d.token ?? d.subscription?.endpoint ?? "", device: d, pool: $0) }
            }
            if targets.isEmpty {
                return .failure(Unusable(detail: devices.isEmpty ? "no push device registered" : "no push provider for the resident's devices"))
            }
            return .success(targets)
        }
        guard let address = contact.address(for: channel) else {
            return .failure(Unusable(detail: "no \(channel.rawValue) address on record"))
        }
        // Only verification codes may go to an address not yet confirmed (it may have changed since fan-out).
        guard contact.verified.contains(channel) || n.eventType == EventCatalogue.verificationCodeType else {
            return .failure(Unusable(detail: "\(channel.rawValue) address not verified"))
        }
        guard let pool = pools.pool(for: nil) else { return .failure(Unusable(detail: "no \(channel.rawValue) provider configured")) }
        return .success([DeliveryTarget(key: channel.rawValue, address: address, device: nil, pool: pool)])
    }

    /// The message one provider call carries.
    func outbound(_ n: NotificationRecord, target: DeliveryTarget) -> OutboundMessage {
        let m = n.message ?? RenderedMessage(subject: nil, body: "", html: nil)
        let definition = catalogue.events[n.eventType]
        let optional = definition.map { !catalogue.category(of: $0).mandatory } ?? false
        var unsubscribe: String?
        if channel == .email, optional, let links = unsubscribeLinks, let definition {
            unsubscribe = try? links.url(cpr: n.cpr, category: definition.category, channel: .email)
        }
        return OutboundMessage(
            notificationId: n.id, channel: channel, eventType: n.eventType, to: target.address, device: target.device,
            subject: m.subject, body: m.body, html: m.html, data: ["notificationId": n.id, "eventType": n.eventType],
            idempotencyKey: "\(n.id):\(target.key)", urgent: definition?.priority == .urgent, unsubscribeURL: unsubscribe
        )
    }
}
