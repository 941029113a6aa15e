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

extension QueueConsumerTests {
    /// A windowed consumer reads the next entry as soon as one finishes: a slow send does not hold back the ones
    /// behind it, and no more than the window is ever in flight.
    @Test func aSlowEntryDoesNotHoldBackTheNextAndTheWindowIsKept() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let queue = WorkQueue(redis: env.redis, stream: "nm:{test}:window", group: "g")
        try await queue.ensureGroup()
        try await queue.add([["n": "slow"], ["n": "a"], ["n": "b"], ["n": "c"]])
        let consumer = QueueConsumer(queue: queue, redis: env.redis, consumer: "w", batchSize: 2, visibilityTimeout: .seconds(3600),
                                     logger: env.logger)
        let log = Tally()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await consumer.run(window: 2) { entry in
                    let n = entry.fields["n"] ?? ""
                    log.counts.withLock { $0["inFlight", default: 0] += 1; $0["most"] = max($0["most"] ?? 0, $0["inFlight"] ?? 0) }
                    try? await Task.sleep(for: n == "slow" ? .milliseconds(4000) : .milliseconds(50))
                    log.counts.withLock { $0["inFlight", default: 0] -= 1; $0["order:\(n)"] = $0.count }
                    try? await queue.ack([entry.id])
                }
            }
            try? await Task.sleep(for: .milliseconds(2000))
            // The slow one is still running; the three behind it went through the other slot.
            let done = log.counts.withLock { counts in Set(["a", "b", "c", "slow"].filter { counts["order:\($0)"] != nil }) }
            #expect(done == ["a", "b", "c"])
            try? await Task.sleep(for: .milliseconds(2500))
            group.cancelAll()
        }
        #expect(log.counts.withLock { $0["most"] } == 2)
        #expect(log.counts.withLock { $0["order:slow"] } != nil)
        #expect(try await queue.pendingCount() == 0)
    }
}

/// Handler calls per entry, from the consumer's task.
private final class Tally: Sendable {
    let counts = Mutex<[String: Int]>([:])
}
