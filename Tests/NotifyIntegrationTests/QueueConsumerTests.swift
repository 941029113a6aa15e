import Foundation
import NotifyStore
import Synchronization
import Testing
@testable import NotifyWorkers

/// The shared read loop against a real Redis.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct QueueConsumerTests {
    /// On start (and after a Redis failure) a consumer walks its own pending entries once: an entry whose handling
    /// fails again is left for the reclaim, not read back on every pass while nothing else moves.
    @Test func aPendingEntryThatFailsAgainIsReadOnceNotSpunOn() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let queue = WorkQueue(redis: env.redis, stream: "nm:{test}:drain", group: "g")
        try await queue.ensureGroup()
        try await queue.add([["n": "stuck"], ["n": "fine"]])
        let connection = env.redis.makeBlockingConnection(name: "drain-test")
        defer { connection.close() }
        // Read before the process died: both are pending for consumer c.
        #expect(try await queue.read(consumer: "c", count: 10, block: nil, pending: false, on: connection).count == 2)

        let consumer = QueueConsumer(queue: queue, redis: env.redis, consumer: "c", batchSize: 10, visibilityTimeout: .seconds(3600),
                                     logger: env.logger)
        let calls = Tally()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await consumer.run { entries in
                    for entry in entries {
                        let n = entry.fields["n"] ?? ""
                        calls.counts.withLock { $0[n, default: 0] += 1 }
                        if n == "fine" { try await queue.ack([entry.id]) }
                    }
                }
            }
            try? await Task.sleep(for: .milliseconds(1500))
            group.cancelAll()
        }
        #expect(calls.counts.withLock { $0 } == ["stuck": 1, "fine": 1])
        #expect(try await queue.pendingCount() == 1)
    }
}

/// Handler calls per entry, from the consumer's task.
private final class Tally: Sendable {
    let counts = Mutex<[String: Int]>([:])
}
