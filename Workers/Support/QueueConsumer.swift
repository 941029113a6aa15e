import Logging
import NotifyStore
import Redis
import ServiceLifecycle

/// The read loop every queue worker shares: drain own pending entries first, then new ones,
/// reclaim entries dead consumers left behind, and stop between batches on graceful shutdown.
struct QueueConsumer: Sendable {
    let queue: WorkQueue
    let redis: RedisClient
    let consumer: String
    let batchSize: Int
    let visibilityTimeout: Duration
    let logger: Logger

    /// Calls `handle` with each batch until graceful shutdown; `handle` acks what it finished.
    func run(_ handle: @Sendable ([WorkQueue.Entry]) async throws -> Void) async throws {
        try await withRetry { try await queue.ensureGroup() }
        let connection = redis.makeBlockingConnection(name: "\(consumer)-read")
        defer { connection.close() }
        var drainingPending = true
        var lastReclaim = ContinuousClock.now
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var entries: [WorkQueue.Entry]
            do {
                entries = try await queue.read(consumer: consumer, count: batchSize, block: .seconds(1), pending: drainingPending, on: connection)
                if drainingPending && entries.isEmpty {
                    drainingPending = false
                    continue
                }
                if ContinuousClock.now - lastReclaim > visibilityTimeout / 2 {
                    lastReclaim = .now
                    entries += try await queue.reclaim(consumer: consumer, minIdle: visibilityTimeout, count: batchSize)
                }
            } catch {
                // Redis restarting or unreachable: back off, then read our own pending entries again.
                logger.warning("queue read failed, retrying", metadata: ["stream": "\(queue.stream)", "error": "\(error)"])
                drainingPending = true
                try? await Task.sleep(for: .milliseconds(500))
                continue
            }
            guard !entries.isEmpty else { continue }
            do { try await handle(entries) } catch {
                // Unacked entries stay pending; reclaim retries them after the visibility timeout,
                // so one that keeps failing does not hold back the ones behind it.
                logger.warning("batch failed; its unacknowledged entries will be retried", metadata: ["stream": "\(queue.stream)", "error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    private func withRetry(_ body: () async throws -> Void) async throws {
        while true {
            do { return try await body() } catch {
                if Task.isShuttingDownGracefully || Task.isCancelled { throw error }
                logger.warning("queue set-up failed, retrying", metadata: ["stream": "\(queue.stream)", "error": "\(error)"])
                try await Task.sleep(for: .milliseconds(500))
            }
        }
    }
}
