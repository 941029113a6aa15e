import Foundation
import Logging
import NotifyCore
import NotifyStore
import Redis

/// The per-recipient decisions of fan-out, done in pipelined batches.
struct FanoutPlanner: Sendable {
    let catalogue: EventCatalogue
    let templates: TemplateSet
    let contacts: ContactStore
    let subscriptions: SubscriptionStore
    let devices: DeviceStore
    let notifications: NotificationStore
    let events: EventStore
    let channelQueues: [Channel: WorkQueue]
    let redis: RedisClient
    let batchSize: Int
    let logger: Logger

    struct Counts: Sendable { var queued = 0, suppressed = 0 }

    /// Creates and queues every notification of `event`; returns what this run newly created.
    func fanOut(_ event: Event, now: Date = Date()) async throws -> Counts {
        var counts = Counts()
        let recipients = event.recipients ?? []
        var start = 0
        while start < recipients.count {
            let batch = Array(recipients[start..<min(start + batchSize, recipients.count)])
            let c = try await fanOut(event, batch: batch, now: now)
            counts.queued += c.queued
            counts.suppressed += c.suppressed
            start += batchSize
        }
        return counts
    }

    private func fanOut(_ event: Event, batch: [CPR], now: Date) async throws -> Counts {
        let definition = try catalogue.definition(of: event.type)
        let loaded = try await contacts.load(batch)
        let choices = try await subscriptions.load(batch)
        let withDevices = try await devices.hasDevices(batch)
        var planned: [(NotificationRecord, String)] = []
        for (i, cpr) in batch.enumerated() {
            planned.append(plan(event, definition: definition, cpr: cpr, contact: loaded[i], hasDevices: withDevices[i],
                                subscriptions: choices[i], now: now))
        }
        let reasons = Dictionary(uniqueKeysWithValues: planned.map { ($0.0.id, $0.1) })
        let created = try await notifications.create(planned.map(\.0)) { reasons[$0.id] ?? "" }

        // Queue what is queued but not yet on its stream: new ones, and ones a crash left behind.
        let toQueue = zip(planned, created).filter { $0.1.status == .queued && !$0.1.enqueued }.map(\.0.0)
        for channel in Channel.allCases {
            let ids = toQueue.filter { $0.channel == channel }.map(\.id)
            guard !ids.isEmpty, let queue = channelQueues[channel] else { continue }
            try await queue.add(ids.map { ["notification": $0] })
        }
        try await notifications.markEnqueued(toQueue.map(\.id))

        let fresh = zip(planned, created).filter { $0.1.created }.map(\.0.0)
        let score = Int(now.timeIntervalSince1970 * 1000)
        _ = try await redis.pipeline(fresh.map { RedisCommand("ZADD", Keys.residentNotifications($0.cpr), score, $0.id) })
        try await events.count(event.id, moves: fresh.map { (from: nil, to: $0.status) })
        var counts = Counts()
        for n in fresh { if n.status == .queued { counts.queued += 1 } else { counts.suppressed += 1 } }
        return counts
    }

    /// One resident's notification: the channel and the rendering, or why it is suppressed.
    func plan(_ event: Event, definition: EventDefinition, cpr: CPR, contact: Contact?, hasDevices: Bool, subscriptions: Subscriptions,
              now: Date) -> (NotificationRecord, String) {
        let id = Digest.notificationID(eventId: event.id, cpr: cpr)
        func make(_ status: NotificationStatus, _ channel: Channel, _ language: Language, _ message: RenderedMessage?) -> NotificationRecord {
            NotificationRecord(id: id, eventId: event.id, eventType: event.type, entity: event.entity, cpr: cpr, channel: channel,
                         status: status, language: language, message: message, createdAt: now)
        }
        guard let contact else { return (make(.suppressed, definition.channels[0], .ar, nil), "unknown resident") }
        let choice = ChannelChoice.choose(definition: definition, category: catalogue.category(of: definition), contact: contact,
                                          hasDevices: hasDevices, subscriptions: subscriptions, forced: event.channel)
        switch choice {
        case .suppress(let channel, let reason):
            return (make(.suppressed, channel, contact.language, nil), reason)
        case .send(let channel):
            do {
                let message = try templates.render(eventType: event.type, language: contact.language, channel: channel, data: event.data)
                return (make(.queued, channel, contact.language, message), "queued for \(channel.rawValue)")
            } catch {
                return (make(.suppressed, channel, contact.language, nil), "no template: \(error.detail)")
            }
        }
    }
}
