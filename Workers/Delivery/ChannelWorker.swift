import Foundation
import Logging
import NotifyCore
import NotifyStore
import Redis
import ServiceLifecycle

/// Sends one channel's queued notifications, up to `concurrency` at once, through that channel's providers. With
/// several partitions, it consumes the ones this process claims (see `PartitionClaims`), all within that one window.
public struct ChannelWorker: Service {
    let consumer: QueueConsumer
    let delivery: ChannelDelivery
    let concurrency: Int
    let queues: ChannelQueues
    let claims: PartitionClaims
    /// How often the claim is renewed (a third of its lifetime).
    let renewal: Duration

    public init(channel: Channel, redis: RedisClient, cipher: FieldCipher, catalogue: EventCatalogue, templates: TemplateSet,
                pools: ChannelPools, settings: DeliverySettings, concurrency: Int, consumerName: String, partitions: Int = 1,
                claimLifetime: Duration = .seconds(10), unsubscribeLinks: UnsubscribeLinks? = nil, heartbeat: Heartbeat = .detached,
                logger: Logger) {
        let stores = DeliveryStores(redis: redis, cipher: cipher, partitions: partitions)
        self.queues = stores.queues
        self.consumer = QueueConsumer(queue: stores.queues.queue(channel, partition: 0),
                                      redis: redis, consumer: consumerName, batchSize: concurrency,
                                      visibilityTimeout: settings.lease, logger: logger, heartbeat: heartbeat)
        self.delivery = ChannelDelivery(channel: channel, stores: stores, catalogue: catalogue, templates: templates, pools: pools,
                                        settings: settings, unsubscribeLinks: unsubscribeLinks, logger: logger)
        self.concurrency = concurrency
        self.claims = PartitionClaims(redis: redis, queue: channel.rawValue, member: consumerName, partitions: partitions, ttl: claimLifetime)
        self.renewal = claimLifetime / 3
    }

    public func run() async throws {
        let slots = WindowSlots(concurrency)
        guard queues.partitions > 1 else {
            try await consume(consumer, slots: slots)
            return
        }
        try await runPartitioned(slots)
    }

    /// Reads `reader`'s queue in batches of at least a quarter of the window while a backlog lasts: each batch's
    /// notifications are read and started together, then each is sent on its own.
    func consume(_ reader: QueueConsumer, slots: WindowSlots) async throws {
        let queue = reader.queue
        try await reader.run(slots: slots, filling: max(1, concurrency / 4),
                             prepare: { [delivery] entries in await delivery.start(entries.map { $0.fields["notification"] ?? "" }) },
                             { entry, prepared in await handle(entry, prepared, from: queue) })
    }

    /// Delivers one entry's notification and acknowledges it (in the last round trip of its send, on the common path).
    /// One entry's failure must not touch its neighbours' sends; unacked, it is retried after the lease.
    func handle(_ entry: WorkQueue.Entry, _ prepared: ChannelDelivery.Prepared, from queue: WorkQueue) async {
        do {
            switch prepared {
            case .started(let plan, let move):
                let ack = SentCounter.Ack(queue: queue, entryId: entry.id)
                if try await !delivery.transmit(plan, started: move, ack: ack) { try await queue.ack([entry.id]) }
            case .individually:
                if let id = entry.fields["notification"] { try await delivery.deliver(id) }
                try await queue.ack([entry.id])
            }
        } catch let held as LeaseHeld {
            delivery.logger.debug("notification is being sent under a lease; the entry waits for the reclaim", metadata: [
                "channel": "\(delivery.channel.rawValue)", "notification": "\(held.notificationId)",
            ])
        } catch {
            delivery.logger.warning("delivery failed; the entry will be retried", metadata: [
                "channel": "\(delivery.channel.rawValue)", "entry": "\(entry.id)", "error": "\(type(of: error))",
            ])
        }
    }
}
