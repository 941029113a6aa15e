import Foundation
import Logging
import NotifyCore
import NotifyStore
import Redis
import Synchronization
@testable import NotifyWorkers

/// A provider whose answers the test scripts, one per call (the last one repeats); it records every message.
final class ScriptedAdapter: ProviderAdapter {
    let name: String
    private let state: Mutex<(script: [Result<String, ProviderError>], sent: [OutboundMessage])>

    let postsReceipts: Bool
    let receiptsNameNotification: Bool

    init(_ name: String, _ script: [Result<String, ProviderError>] = [.success("msg-1")], postsReceipts: Bool = false,
         receiptsNameNotification: Bool = false) {
        self.name = name
        self.state = Mutex((script, []))
        self.postsReceipts = postsReceipts
        self.receiptsNameNotification = receiptsNameNotification
    }

    var messages: [OutboundMessage] { state.withLock { $0.sent } }
    var calls: Int { messages.count }

    func answer(_ script: [Result<String, ProviderError>]) { state.withLock { $0.script = script } }

    func send(_ message: OutboundMessage) async throws -> ProviderAcceptance {
        let next: Result<String, ProviderError> = state.withLock { s in
            s.sent.append(message)
            return s.script.count > 1 ? s.script.removeFirst() : s.script[0]
        }
        return ProviderAcceptance(messageId: try next.get())
    }
}

/// Notifications and deliveries set up directly in Redis, without the API or fan-out.
struct DeliveryKit {
    let env: TestEnvironment

    var notifications: NotificationStore { NotificationStore(redis: env.redis) }

    func delivery(_ channel: Channel, _ pools: ChannelPools, maxAttempts: Int = 3, backoff: Backoff = Backoff(base: .milliseconds(50), cap: .seconds(1)),
                  lease: Duration = .seconds(60), redis: RedisClient? = nil) -> ChannelDelivery {
        ChannelDelivery(channel: channel, stores: DeliveryStores(redis: redis ?? env.redis, cipher: env.deps.cipher), catalogue: env.deps.catalogue,
                        templates: env.deps.templates, pools: pools,
                        settings: DeliverySettings(maxAttempts: maxAttempts, backoff: backoff, lease: lease),
                        unsubscribeLinks: UnsubscribeLinks(cipher: env.deps.cipher, baseURL: "https://notify.example.bh"), logger: env.logger)
    }

    /// A resident with a verified phone and email.
    func resident(_ cpr: String = "880101234", phone: String = "+97336001234", email: String = "f@example.bh") async throws -> CPR {
        let c = try CPR(cpr)
        try await ContactStore(redis: env.redis, cipher: env.deps.cipher).save(
            Contact(cpr: c, phone: try PhoneNumber(phone), email: try EmailAddress(email), language: .en, verified: [.sms, .email]))
        return c
    }

    /// A published event and its queued notification on `channel`, rendered as fan-out would.
    func queued(_ cpr: CPR, channel: Channel, type: String = "traffic.fine-issued") async throws -> NotificationRecord {
        let data = ["name": "Fatima", "amount": "50", "plate": "12345", "reference": "T-1", "violation": "speeding", "date": "2026-11-20",
                    "document": "passport", "expiryDate": "2026-12-24"].mapValues { JSONValue.string($0) }
        let event = Event(id: Digest.randomID(prefix: "evt_"), type: type, entity: "traffic", recipients: [cpr], data: data,
                          priority: .normal, createdAt: Date())
        try await EventStore(redis: env.redis).publish(event)
        let message = try env.deps.templates.render(eventType: type, language: .en, channel: channel, data: data)
        let n = NotificationRecord(id: Digest.notificationID(eventId: event.id, cpr: cpr), eventId: event.id, eventType: type,
                                   entity: "traffic", cpr: cpr, channel: channel, status: .queued, language: .en, message: message, createdAt: Date())
        _ = try await notifications.create([n]) { _ in "queued" }
        _ = try await env.redis.send("HINCRBY", Keys.event(event.id), "count:queued", 1)
        return n
    }

    func status(_ id: String) async throws -> NotificationStatus? {
        try await notifications.load(id)?.notification.status
    }
}
