import Foundation
import Logging
import NotifyCore
import NotifyStore
import Redis

/// The per-recipient decisions of fan-out, done in pipelined batches that resume from a cursor.
struct FanoutPlanner: Sendable {
    let catalogue: EventCatalogue
    let templates: TemplateSet
    let contacts: ContactStore
    let subscriptions: SubscriptionStore
    let devices: DeviceStore
    let notifications: NotificationStore
    let events: EventStore
    let topics: TopicStore
    let channelQueues: ChannelQueues
    let redis: RedisClient
    let batchSize: Int
    let logger: Logger

    struct Counts: Sendable {
        var queued = 0, suppressed = 0
        /// False when graceful shutdown stopped the part between batches: its entry stays pending and resumes.
        var finished = true
    }

    /// Creates and queues the notifications of one part of `event`, from where an earlier run stopped.
    /// Returns what this run counted.
    func fanOut(_ event: Event, part: Int, now: Date = Date()) async throws -> Counts {
        let definition = try catalogue.definition(of: event.type)
        var counts = Counts()
        while true {
            let progress = try await events.progress(event.id, part: part)
            if progress.done { return counts }
            if Task.isShuttingDownGracefully {
                counts.finished = false
                return counts
            }
            let (batch, next, done) = try await recipients(of: event, part: part, after: progress.cursor)
            let plans = try await fanOut(event, definition: definition, batch: batch, now: now)
            var tallies: [NotificationStatus: Int] = [:]
            for initial in plans { tallies[initial, default: 0] += 1 }
            // Losing this race means another worker counted the same batch: read the cursor again.
            if try await events.advance(event.id, part: part, from: progress.cursor, to: next, done: done, recipients: batch.count, tallies: tallies) {
                counts.queued += tallies[.queued] ?? 0
                counts.suppressed += tallies[.suppressed] ?? 0
            }
        }
    }

    /// The next batch after `cursor` and the cursor after it.
    private func recipients(of event: Event, part: Int, after cursor: String) async throws -> ([CPR], String, Bool) {
        if let topic = event.topic {
            let batch = try await topics.members(topic, shard: part, after: cursor.isEmpty ? nil : cursor, limit: batchSize)
            return (batch, batch.last?.value ?? cursor, batch.count < batchSize)
        }
        let list = event.recipients ?? []
        let start = min(Int(cursor) ?? 0, list.count)
        let end = min(start + batchSize, list.count)
        return (Array(list[start..<end]), String(end), end == list.count)
    }

    /// Plans, creates and queues one batch; returns each notification's initial status.
    private func fanOut(_ event: Event, definition: EventDefinition, batch: [CPR], now: Date) async throws -> [NotificationStatus] {
        guard !batch.isEmpty else { return [] }
        async let found = contacts.lookup(batch)
        async let choices = subscriptions.load(batch)
        async let withDevices = devices.hasDevices(batch)
        let (loaded, subs, hasDevices) = try await (found, choices, withDevices)
        let messages = RenderedMessages(templates: templates, event: event)
        let plans = batch.indices.map { i in
            plan(event, definition: definition, cpr: batch[i], lookup: loaded[i], hasDevices: hasDevices[i], subscriptions: subs[i], now: now,
                 messages: messages)
        }
        let details = Dictionary(uniqueKeysWithValues: plans.map { ($0.record.id, $0.detail) })
        // An entity with a status callback hears of each notification's every status, starting with this one.
        let callback = try await CallbackStore.isConfigured(redis: redis, entity: event.entity)
        let records = plans.map { plan in
            var record = plan.record
            record.callback = callback
            return record
        }
        let created = try await notifications.create(records) { details[$0.id] ?? "" }
        if callback {
            try await CallbackQueue(redis: redis).add(zip(records, created).filter { $0.1.created }.map { r, _ in
                CallbackPayload(notificationId: r.id, eventId: r.eventId, entity: r.entity, reference: r.reference, status: r.status, detail: details[r.id] ?? "",
                                at: r.createdAt)
            })
        }

        // Queue what is queued: the new ones, and in a batch done again (after a crash, or by a second worker) the ones
        // already there, whose entries may or may not have been added. A second entry is harmless: the record's status
        // decides who sends. No per-record mark is written for it: one more write per notification, for a rare case.
        let toQueue = zip(plans, created).filter { $0.1.status == .queued }.map(\.0)
        for channel in Channel.allCases {
            let now = toQueue.filter { $0.record.channel == channel && $0.holdUntil == nil }.map(\.record.id)
            try await channelQueues.add(channel, ids: now)
            for plan in toQueue where plan.record.channel == channel {
                if let until = plan.holdUntil { try await channelQueues.schedule(channel, id: plan.record.id, at: until) }
            }
        }

        let score = Int(now.timeIntervalSince1970 * 1000)
        var index = plans.filter(\.resident).map { RedisCommand("ZADD", Keys.residentNotifications($0.record.cpr), "NX", score, $0.record.id) }
        // The event's own index, for the entity's status queries: one command for the whole batch, kept as long as the records.
        index.append(RedisCommand("ZADD", [Keys.eventNotifications(event.id), "NX"] + plans.flatMap { [0, $0.record.id] as [any RedisArgument] }))
        index.append(RedisCommand("EXPIRE", Keys.eventNotifications(event.id), Int(notifications.retention.components.seconds) + 86_400))
        // An error reply here (a cluster that kept redirecting) must fail the batch so it is done again, not be skipped.
        if let refused = try await redis.pipeline(index).first(where: { if case .error = $0 { true } else { false } }) {
            throw RedisError.reply(refused.errorMessage ?? "error reply")
        }
        return created.map(\.initial)
    }

    /// One resident's notification: the channel, the rendering and any quiet-hours hold, or why it is suppressed.
    /// `messages` renders each language and channel once for a whole batch; without it, this one is rendered.
    func plan(_ event: Event, definition: EventDefinition, cpr: CPR, lookup: ContactLookup, hasDevices: Bool, subscriptions: Subscriptions,
              now: Date, messages: RenderedMessages? = nil) -> FanoutPlan {
        let id = Digest.notificationID(eventId: event.id, cpr: cpr)
        func make(_ status: NotificationStatus, _ channel: Channel, _ language: Language, _ message: RenderedMessage?) -> NotificationRecord {
            NotificationRecord(id: id, eventId: event.id, eventType: event.type, entity: event.entity, cpr: cpr, channel: channel,
                               status: status, language: language, message: message, createdAt: now, reference: event.reference)
        }
        let contact: ContactReach
        switch lookup {
        case .unknown: return FanoutPlan(record: make(.suppressed, definition.channels[0], .ar, nil), detail: "unknown resident", holdUntil: nil, resident: false)
        case .erased: return FanoutPlan(record: make(.suppressed, definition.channels[0], .ar, nil), detail: "erased", holdUntil: nil, resident: false)
        case .found(let c): contact = c
        }
        let choice = ChannelChoice.choose(definition: definition, category: catalogue.category(of: definition), contact: contact,
                                          hasDevices: hasDevices, subscriptions: subscriptions, forced: event.channel)
        switch choice {
        case .suppress(let channel, let reason):
            return FanoutPlan(record: make(.suppressed, channel, contact.language, nil), detail: reason, holdUntil: nil, resident: true)
        case .send(let channel):
            do {
                let messages = messages ?? RenderedMessages(templates: templates, event: event)
                let message = try messages.message(language: contact.language, channel: channel)
                var detail = "queued for \(channel.rawValue)"
                var hold: Date?
                if event.priority != .urgent, let quiet = contact.quietHours, quiet.contains(now) {
                    let until = quiet.nextAllowed(after: now)
                    hold = until
                    detail += "; held for quiet hours until \(ISO8601DateFormatter().string(from: until))"
                }
                return FanoutPlan(record: make(.queued, channel, contact.language, message), detail: detail, holdUntil: hold, resident: true)
            } catch {
                return FanoutPlan(record: make(.suppressed, channel, contact.language, nil), detail: "no template: \(error.detail)",
                                  holdUntil: nil, resident: true)
            }
        }
    }
}

extension FanoutPlanner {
    /// A planner over the standard stores and streams.
    init(redis: RedisClient, contacts: ContactStore, devices: DeviceStore, catalogue: EventCatalogue, templates: TemplateSet,
         batchSize: Int, retention: Duration = .seconds(7 * 86_400), partitions: Int = 1, logger: Logger) {
        self.init(
            catalogue: catalogue, templates: templates, contacts: contacts, subscriptions: SubscriptionStore(redis: redis), devices: devices,
            notifications: NotificationStore(redis: redis, retention: retention), events: EventStore(redis: redis, retention: retention), topics: TopicStore(redis: redis),
            channelQueues: ChannelQueues(redis: redis, partitions: partitions),
            redis: redis, batchSize: batchSize, logger: logger
        )
    }
}
