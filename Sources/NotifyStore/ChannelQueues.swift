import Foundation
import NotifyCore
import Redis

/// Each channel's work: a stream and a retry set per partition, each partition with its own hash tag, so a cluster
/// spreads the queue load over its nodes. A notification always goes to the partition its id picks.
public struct ChannelQueues: Sendable {
    let redis: RedisClient
    /// Streams per channel (1: the single stream of a one-node set-up).
    public let partitions: Int

    public init(redis: RedisClient, partitions: Int = 1) {
        self.redis = redis
        self.partitions = max(1, partitions)
    }

    /// The partition of notification `id`: the same for every producer, whatever process it runs in.
    public func partition(of id: String) -> Int {
        partitions == 1 ? 0 : HashSlot.of(id) % partitions
    }

    /// One partition's stream, read by the group named after the channel.
    public func queue(_ channel: Channel, partition: Int) -> WorkQueue {
        WorkQueue(redis: redis, stream: Keys.stream(channel.rawValue, partition: partition), group: channel.rawValue)
    }

    /// Every partition's stream of `channel`.
    public func queues(_ channel: Channel) -> [WorkQueue] {
        (0..<partitions).map { queue(channel, partition: $0) }
    }

    /// One partition's retry set.
    public func delayed(_ channel: Channel, partition: Int) -> DelayedQueue {
        DelayedQueue(redis: redis, queue: channel.rawValue, partition: partition)
    }

    /// Every channel's retry sets, for the scheduler.
    public var allDelayed: [DelayedQueue] {
        Channel.allCases.flatMap { channel in (0..<partitions).map { delayed(channel, partition: $0) } }
    }

    /// Queues notifications `ids` on `channel`, each on its partition's stream, in one round trip.
    public func add(_ channel: Channel, ids: [String]) async throws {
        guard !ids.isEmpty else { return }
        let commands = ids.map { id in
            RedisCommand("XADD", Keys.stream(channel.rawValue, partition: partition(of: id)), "*", "notification", id)
        }
        for reply in try await redis.pipeline(commands) {
            if case .error = reply { throw StoreError.unexpected("XADD", reply) }
        }
    }

    /// Puts `id` back on its stream after `delay` (a retry).
    public func schedule(_ channel: Channel, id: String, after delay: Duration) async throws {
        try await delayed(channel, partition: partition(of: id)).schedule(id, after: delay)
    }

    /// Puts `id` on its stream at `date` (quiet hours).
    public func schedule(_ channel: Channel, id: String, at date: Date) async throws {
        try await delayed(channel, partition: partition(of: id)).schedule(id, at: date)
    }
}
