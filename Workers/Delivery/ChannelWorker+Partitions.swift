import Foundation
import NotifyStore
import ServiceLifecycle
import Synchronization

extension ChannelWorker {
    /// Renews this process's claim now and then; starts a consumer for each partition it gains and lets each one it
    /// loses finish what it holds and hand the rest back (the new owner's reclaim takes it). Leaves on shutdown.
    func runPartitioned(_ slots: WindowSlots) async throws {
        let heartbeat = consumer.heartbeat
        defer { heartbeat.stopped() }
        try await withThrowingDiscardingTaskGroup { group in
            var running: [Int: PartitionRelease] = [:]
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                do {
                    let mine = Set(try await claims.renew())
                    for partition in mine.sorted() where running[partition] == nil {
                        let release = PartitionRelease()
                        running[partition] = release
                        var reader = consumer
                        reader.queue = queues.queue(delivery.channel, partition: partition)
                        reader.released = { release.isReleased }
                        reader.reportsStop = false
                        group.addTask { [reader] in try await consume(reader, slots: slots) }
                    }
                    for (partition, release) in running where !mine.contains(partition) {
                        release.release()
                        running[partition] = nil
                    }
                    // A process with no partition (more processes than partitions) is idle, not stalled.
                    if mine.isEmpty { heartbeat.beat() }
                } catch {
                    delivery.logger.warning("renewing the partition claim failed; keeping the partitions held", metadata: [
                        "channel": "\(delivery.channel.rawValue)", "error": "\(error)",
                    ])
                }
                let until = ContinuousClock.now + renewal
                while ContinuousClock.now < until && !Task.isShuttingDownGracefully && !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(200))
                }
            }
            for release in running.values { release.release() }
            try? await claims.leave()
        }
    }
}

/// Tells one partition's consumer that this process no longer claims it.
final class PartitionRelease: Sendable {
    private let released = Mutex(false)

    var isReleased: Bool { released.withLock { $0 } }

    func release() { released.withLock { $0 = true } }
}
