import Foundation
import Logging
import NotifyCore
import NotifyStore
import Redis
import ServiceLifecycle

/// Turns each published event into one notification per recipient, on the right channel,
/// rendered in the resident's language, and queues it for its channel's worker.
///
/// Idempotent per (event, resident): a redelivered event finds the notifications it already made.
public struct FanoutWorker: Service {
    let consumer: QueueConsumer
    let planner: FanoutPlanner
    let events: EventStore
    let logger: Logger

    public init(redis: RedisClient, contacts: ContactStore, devices: DeviceStore, catalogue: EventCatalogue, templates: TemplateSet, consumerName: String,
                batchSize: Int, visibilityTimeout: Duration, logger: Logger) {
        let events = EventStore(redis: redis)
        self.events = events
        self.logger = logger
        self.consumer = QueueConsumer(
            queue: WorkQueue(redis: redis, stream: events.stream, group: "fanout"), redis: redis,
            consumer: consumerName, batchSize: 8, visibilityTimeout: visibilityTimeout, logger: logger
        )
        self.planner = FanoutPlanner(
            catalogue: catalogue, templates: templates, contacts: contacts, subscriptions: SubscriptionStore(redis: redis), devices: devices,
            notifications: NotificationStore(redis: redis), events: events,
            channelQueues: Dictionary(uniqueKeysWithValues: Channel.allCases.map {
                ($0, WorkQueue(redis: redis, stream: Keys.stream($0.rawValue), group: $0.rawValue))
            }),
            redis: redis, batchSize: batchSize, logger: logger
        )
    }

    public func run() async throws {
        try await consumer.run { entries in
            for entry in entries {
                do {
                    if let id = entry.fields["event"] { try await fanOut(eventId: id) }
                    try await consumer.queue.ack([entry.id])
                } catch {
                    logger.warning("fan-out failed; the event will be retried", metadata: ["entry": "\(entry.id)", "error": "\(error)"])
                }
            }
        }
    }

    private func fanOut(eventId: String) async throws {
        guard let loaded = try await events.load(eventId) else {
            logger.warning("event on the stream has no record; skipped", metadata: ["event": "\(eventId)"])
            return
        }
        try await events.setStatus(eventId, "fanning-out")
        let counts: FanoutPlanner.Counts
        do { counts = try await planner.fanOut(loaded.event) } catch let error as NotifyError {
            // The event can never fan out (its type left the catalogue): record why rather than retry forever.
            try await events.setStatus(eventId, "failed")
            logger.error("event cannot fan out", metadata: ["event": "\(eventId)", "error": "\(error.detail)"])
            return
        }
        try await events.setStatus(eventId, "dispatched")
        logger.info("event fanned out", metadata: ["event": "\(eventId)", "queued": "\(counts.queued)", "suppressed": "\(counts.suppressed)"])
    }
}
