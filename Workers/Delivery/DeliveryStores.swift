import NotifyCore
import NotifyStore
import Redis

/// The Redis-backed stores a channel delivery reads and writes.
struct DeliveryStores: Sendable {
    /// For the writes that follow an acceptance, pipelined across stores.
    let redis: RedisClient
    let notifications: NotificationStore
    let contacts: ContactStore
    let devices: DeviceStore
    let subscriptions: SubscriptionStore
    let events: EventStore
    let limiter: RateLimiter
    let deadLetters: DeadLetterStore
    let messageIndex: ProviderMessageIndex
    let receipts: ReceiptWatch
    let outcomes: DeliveryOutcomes
    let queues: ChannelQueues
    /// Shared by a channel's concurrent sends, so their counts and acknowledgements go together.
    let sent: SentCounter

    init(redis: RedisClient, cipher: FieldCipher, partitions: Int = 1) {
        self.redis = redis
        notifications = NotificationStore(redis: redis)
        contacts = ContactStore(redis: redis, cipher: cipher)
        devices = DeviceStore(redis: redis, cipher: cipher)
        subscriptions = SubscriptionStore(redis: redis)
        events = EventStore(redis: redis)
        limiter = RateLimiter(redis: redis)
        deadLetters = DeadLetterStore(redis: redis)
        messageIndex = ProviderMessageIndex(redis: redis)
        receipts = ReceiptWatch(redis: redis)
        outcomes = DeliveryOutcomes(redis: redis)
        queues = ChannelQueues(redis: redis, partitions: partitions)
        sent = SentCounter(events: events)
    }
}
