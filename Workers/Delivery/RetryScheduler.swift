import Foundation
import Logging
import NotifyCore
import NotifyStore
import Redis
import ServiceLifecycle

/// Moves due retries from each channel's delayed sets (one per partition) back onto their streams.
public struct RetryScheduler: Service {
    let queues: [DelayedQueue]
    let interval: Duration
    let heartbeat: Heartbeat
    let logger: Logger

    public init(redis: RedisClient, partitions: Int = 1, interval: Duration = .milliseconds(250), heartbeat: Heartbeat = .detached,
                logger: Logger) {
        self.heartbeat = heartbeat
        self.queues = ChannelQueues(redis: redis, partitions: partitions).allDelayed
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        defer { heartbeat.stopped() }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var failed = false
            for queue in queues {
                do {
                    // A full batch means more may be due: keep moving before sleeping.
                    while try await queue.moveDue(limit: 500) == 500 {}
                } catch {
                    failed = true
                    logger.warning("moving due retries failed; trying again", metadata: ["queue": "\(queue.key)", "error": "\(error)"])
                }
            }
            failed ? heartbeat.failed() : heartbeat.beat()
            try? await Task.sleep(for: interval)
        }
    }
}
