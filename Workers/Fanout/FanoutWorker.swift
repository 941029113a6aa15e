import Foundation
import Logging
import NotifyCore
import NotifyStore
import Redis
import ServiceLifecycle

/// Turns each published event into one notification per recipient, on the right channel,
/// rendered in the resident's language, and queues it for its channel's worker.
///
/// Idempotent per (event, resident), and each part resumes from its cursor: a redelivered entry
/// finds the notifications it already made and counts nothing twice.
public struct FanoutWorker: Service {
    let consumer: QueueConsumer
    let planner: FanoutPlanner
    let events: EventStore
    let logger: Logger

    public init(redis: RedisClient, contacts: ContactStore, devices: DeviceStore, catalogue: EventCatalogue, templates: TemplateSet, consumerName: String,
                batchSize: Int, visibilityTimeout: Duration, retention: Duration = .seconds(7 * 86_400), partitions: Int = 1,
                heartbeat: Heartbeat = .detached, logger: Logger) {
        let events = EventStore(redis: redis)
        self.events = events
        self.logger = logger
        self.consumer = QueueConsumer(
            queue: WorkQueue(redis: redis, stream: events.stream, group: "fanout"), redis: redis,
            consumer: consumerName, batchSize: 4, visibilityTimeout: visibilityTimeout, logger: logger, heartbeat: heartbeat
        )
        self.planner = FanoutPlanner(redis: redis, contacts: contacts, devices: devices, catalogue: catalogue, templates: templates,
                                     batchSize: batchSize, retention: retention, partitions: partitions, logger: logger)
    }

    public func run() async throws {
        try await consumer.run { entries in
            // Parts of one topic event are independent: fan them out side by side.
            await withTaskGroup(of: Void.self) { group in
                for entry in entries {
                    group.addTask {
                        do {
                            let part = entry.fields["part"].flatMap(Int.init) ?? 0
                            // An unfinished part (shutdown) stays pending for the next worker to resume.
                            if let id = entry.fields["event"], try await !fanOut(eventId: id, part: part) { return }
                            try await consumer.queue.ack([entry.id])
                        } catch {
                            logger.warning("fan-out failed; the event will be retried", metadata: ["entry": "\(entry.id)", "error": "\(error)"])
                        }
                    }
                }
            }
        }
    }

    /// Returns whether the part is finished with (done, or never possible).
    private func fanOut(eventId: String, part: Int) async throws -> Bool {
        guard let loaded = try await events.load(eventId) else {
            logger.warning("event on the stream has no record; skipped", metadata: ["event": "\(eventId)"])
            return true
        }
        let counts: FanoutPlanner.Counts
        do { counts = try await planner.fanOut(loaded.event, part: part) } catch let error as NotifyError {
            // The event can never fan out (its type left the catalogue): record why rather than retry forever.
            try await events.setStatus(eventId, "failed")
            logger.error("event cannot fan out", metadata: ["event": "\(eventId)", "error": "\(error.detail)"])
            return true
        }
        guard counts.finished else { return false }
        logger.info("event part fanned out", metadata: ["event": "\(eventId)", "part": "\(part)", "queued": "\(counts.queued)",
                                                        "suppressed": "\(counts.suppressed)"])
        return true
    }
}
