import Foundation
import NotifyCore
import Redis

/// Sends a failed notification again, deciding afresh: the resident's data and consent as they are now.
public struct FailureReplay: Sendable {
    /// What a replay came to.
    public enum Outcome: Sendable, Equatable {
        /// Queued again on `channel`.
        case replayed(Channel)
        case notFound
        /// Not failed (any more): already replayed, or never failed.
        case notFailed(NotificationStatus)
        /// Left failed: what stops it (erased, consent withdrawn, no verified channel...).
        case refused(String)
    }

    let redis: RedisClient
    let notifications: NotificationStore
    let contacts: ContactStore
    let subscriptions: SubscriptionStore
    let devices: DeviceStore
    let events: EventStore
    let catalogue: EventCatalogue
    let templates: TemplateSet
    let queues: ChannelQueues

    public init(redis: RedisClient, cipher: FieldCipher, catalogue: EventCatalogue, templates: TemplateSet, partitions: Int = 1) {
        self.redis = redis
        queues = ChannelQueues(redis: redis, partitions: partitions)
        notifications = NotificationStore(redis: redis)
        contacts = ContactStore(redis: redis, cipher: cipher)
        subscriptions = SubscriptionStore(redis: redis)
        devices = DeviceStore(redis: redis, cipher: cipher)
        events = EventStore(redis: redis)
        self.catalogue = catalogue
        self.templates = templates
    }

    /// Replays `id` once: the failed -> queued move lets one caller through, so two replays never run at once.
    /// `marker` names this replay; the same marker again (a bulk job redoing a page) finds its own work done.
    public func replay(_ id: String, marker: String, now: Date = Date()) async throws -> Outcome {
        guard let (n, _, fields) = try await notifications.load(id) else { return .notFound }
        guard n.status == .failed else {
            guard fields["replayedBy"] == marker else { return .notFailed(n.status) }
            // Cut off between its move and its queue entry: a second entry is harmless, the status decides who sends.
            if n.status == .queued { try await queues.add(n.channel, ids: [id]) }
            return .replayed(n.channel)
        }
        guard n.eventType != EventCatalogue.verificationCodeType else {
            return .refused("verification codes are not replayed; the resident can ask for a new one")
        }
        guard let definition = catalogue.events[n.eventType] else { return .refused("event type \(n.eventType) is no longer in the catalogue") }
        let contact: ContactReach
        switch try await contacts.lookup([n.cpr])[0] {
        case .found(let c): contact = c
        case .erased: return .refused("the resident has erased their data")
        case .unknown: return .refused("unknown resident")
        }
        let hasDevices = try await devices.hasDevices([n.cpr])[0]
        let choice = ChannelChoice.choose(definition: definition, category: catalogue.category(of: definition), contact: contact,
                                          hasDevices: hasDevices, subscriptions: try await subscriptions.load(n.cpr))
        guard case .send(let channel) = choice else {
            if case .suppress(_, let reason) = choice { return .refused(reason) }
            return .refused("no channel")
        }
        var update = ["replayedBy": marker, "attemptsBefore": String(n.attempts), "tried": ""]
        if channel != n.channel || contact.language != n.language {
            guard let event = try await events.load(n.eventId)?.event,
                  let message = try? templates.render(eventType: n.eventType, language: contact.language, channel: channel, data: event.data) else {
                guard channel == n.channel else { return .refused("the event's data is past retention; it cannot be rendered for \(channel.rawValue)") }
                return try await move(n, to: channel, update: update, now: now)
            }
            update.merge(["channel": channel.rawValue, "language": contact.language.rawValue, "body": message.body,
                          "subject": message.subject ?? "", "html": message.html ?? ""]) { _, new in new }
        }
        return try await move(n, to: channel, update: update, now: now)
    }

    private func move(_ n: NotificationRecord, to channel: Channel, update: [String: String], now: Date) async throws -> Outcome {
        let detail = channel == n.channel ? "replayed by support staff" : "replayed by support staff on \(channel.rawValue)"
        let t = try await notifications.transition(n.id, to: .queued, detail: detail, fields: update, now: now)
        switch t.move {
        case .moved(let from):
            try await events.countMove(n.id, eventId: n.eventId, from: from, to: .queued, mark: t.countMark)
            try await queues.add(channel, ids: [n.id])
            return .replayed(channel)
        case .refused(let current): return .notFailed(current)
        case .missing: return .notFound
        }
    }
}
