import Foundation
import Logging
import NotifyCore
import NotifyStore
import Redis
import ServiceLifecycle

/// Sends one channel's queued notifications, up to `concurrency` at once, through that channel's providers.
public struct ChannelWorker: Service {
    let consumer: QueueConsumer
    let delivery: ChannelDelivery
    let concurrency: Int

    public init(channel: Channel, redis: RedisClient, cipher: FieldCipher, catalogue: EventCatalogue, templates: TemplateSet,
                pools: ChannelPools, settings: DeliverySettings, concurrency: Int, consumerName: String,
                unsubscribeLinks: UnsubscribeLinks? = nil, heartbeat: Heartbeat = .detached, logger: Logger) {
        let stores = DeliveryStores(redis: redis, cipher: cipher)
        self.consumer = QueueConsumer(queue: stores.queues[channel] ?? WorkQueue.channel(channel, redis: redis),
                                      redis: redis, consumer: consumerName, batchSize: concurrency,
                                      visibilityTimeout: settings.lease, logger: logger, heartbeat: heartbeat)
        self.delivery = ChannelDelivery(channel: channel, stores: stores, catalogue: catalogue, templates: templates, pools: pools,
                                        settings: settings, unsubscribeLinks: unsubscribeLinks, logger: logger)
        self.concurrency = concurrency
    }

    public func run() async throws {
        try await consumer.run(window: concurrency) { entry in
            // One entry's failure must not touch its neighbours' sends; unacked, it is retried after the lease.
            do {
                if let id = entry.fields["notification"] { try await delivery.deliver(id) }
                try await consumer.queue.ack([entry.id])
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
}
