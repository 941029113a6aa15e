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
            let queue = consumer.queue
            try await consumer.run(slots: slots) { await handle($0, from: queue) }
            return
        }
        try await runPartitioned(slots)
    }

    /// Delivers one entry's notification and acknowledges it. One entry's failure must not touch its neighbours'
    /// sends; unacked, it is retried after the lease.
    func handle(_ entry: WorkQueue.Entry, from queue: WorkQueue) async {
        do {
            if let id = entry.fields["notification"] { try await delivery.deliver(id) }
            try await queue.ack([entry.id])
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
