import Foundation
import Logging
import NotifyCore
import NotifyStore
import Redis
import ServiceLifecycle
import Transport

/// Sends queued email notifications, several at once, and records each outcome.
public struct EmailWorker: Service {
    let consumer: QueueConsumer
    let delivery: EmailDelivery
    let concurrency: Int

    public init(redis: RedisClient, contacts: ContactStore, sender: any EmailSender, fromHeader: String, consumerName: String,
                concurrency: Int, maxAttempts: Int, visibilityTimeout: Duration, logger: Logger) {
        let queue = WorkQueue(redis: redis, stream: Keys.stream(Channel.email.rawValue), group: Channel.email.rawValue)
        self.consumer = QueueConsumer(queue: queue, redis: redis, consumer: consumerName, batchSize: concurrency,
                                      visibilityTimeout: visibilityTimeout, logger: logger)
        self.delivery = EmailDelivery(
            notifications: NotificationStore(redis: redis), contacts: contacts,
            events: EventStore(redis: redis), queue: queue, sender: sender, fromHeader: fromHeader,
            maxAttempts: maxAttempts, lease: visibilityTimeout, logger: logger
        )
        self.concurrency = concurrency
    }

    public func run() async throws {
        try await consumer.run { entries in
            // A batch is at most `concurrency` entries: send them together, ack as each finishes.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for entry in entries {
                    group.addTask {
                        // One entry's failure must not cancel its neighbours' sends.
                        do {
                            if let id = entry.fields["notification"] { try await delivery.deliver(id) }
                            try await consumer.queue.ack([entry.id])
                        } catch {
                            delivery.logger.warning("email delivery failed; the entry will be retried", metadata: ["entry": "\(entry.id)", "error": "\(type(of: error))"])
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }
}
