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
    /// A windowed consumer reads the next entry as soon as one finishes: a send that cannot end until the three
    /// behind it are handled (it waits for them) does not hold them back, and no more than the window is in flight.
    /// Batch by batch, the slow one would wait out its 30 s for an entry never read.
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
                    if n == "slow" {
                        let deadline = ContinuousClock.now + .seconds(30)
                        while !log.finished(["a", "b", "c"]) && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
                        let sawThemAll = log.finished(["a", "b", "c"])
                        log.counts.withLock { $0["slowSawThemAll"] = sawThemAll ? 1 : 0 }
                    }
                    log.counts.withLock { $0["inFlight", default: 0] -= 1; $0["done:\(n)"] = 1 }
                    try? await queue.ack([entry.id])
                }
            }
            let deadline = ContinuousClock.now + .seconds(40)
            while !log.finished(["slow"]) && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
            group.cancelAll()
        }
        #expect(log.counts.withLock { $0["slowSawThemAll"] } == 1)
        #expect(log.counts.withLock { $0["most"] } == 2)
        #expect(try await queue.pendingCount() == 0)
    }
}

extension QueueConsumerTests {
    /// A send that outlasts the visibility timeout is reclaimed by its own consumer while still in flight: it is not
    /// handled a second time at once.
    @Test func anEntryReclaimedWhileInFlightIsNotHandledTwiceAtOnce() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let queue = WorkQueue(redis: env.redis, stream: "nm:{test}:inflight", group: "g")
        try await queue.ensureGroup()
        try await queue.add([["n": "long"]])
        let consumer = QueueConsumer(queue: queue, redis: env.redis, consumer: "w", batchSize: 4, visibilityTimeout: .seconds(1),
                                     logger: env.logger)
        let log = Tally()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await consumer.run(window: 4) { entry in
                    log.counts.withLock { $0["calls", default: 0] += 1 }
                    try? await Task.sleep(for: .seconds(4))
                    log.counts.withLock { $0["done:long"] = 1 }
                    try? await queue.ack([entry.id])
                }
            }
            let deadline = ContinuousClock.now + .seconds(30)
            while !log.finished(["long"]) && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
            group.cancelAll()
        }
        #expect(log.finished(["long"]))
        #expect(log.counts.withLock { $0["calls"] } == 1)
    }
}

/// Handler calls per entry, from the consumer's task.
private final class Tally: Sendable {
    let counts = Mutex<[String: Int]>([:])
    /// The entries of each prepared batch, in read order.
    let batches = Mutex<[[String]]>([])

    /// Whether every one of `names` has its `done:` mark.
    func finished(_ names: [String]) -> Bool { counts.withLock { counts in names.allSatisfy { counts["done:\($0)"] != nil } } }
}

extension QueueConsumerTests {
    /// With `filling`, the reader waits until that many slots are free, so a backlog is read in batches that are prepared
    /// together (one round trip per step for the delivery worker) instead of an entry at a time as each one finishes.
    @Test func aBacklogIsReadInBatchesOfTheFilling() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let queue = WorkQueue(redis: env.redis, stream: "nm:{test}:filling", group: "g")
        try await queue.ensureGroup()
        try await queue.add((0..<12).map { ["n": "\($0)"] })
        let consumer = QueueConsumer(queue: queue, redis: env.redis, consumer: "w", batchSize: 4, visibilityTimeout: .seconds(3600),
                                     logger: env.logger)
        let log = Tally()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await consumer.run(slots: WindowSlots(4), filling: 4, prepare: { entries in
                    log.batches.withLock { $0.append(entries.map { $0.fields["n"] ?? "" }) }
                    return entries.map { $0.fields["n"] ?? "" }
                }) { entry, prepared in
                    // Staggered ends: a reader taking whatever room there is would read one entry at a time.
                    try? await Task.sleep(for: .milliseconds(30 * (1 + (Int(prepared) ?? 0) % 4)))
                    log.counts.withLock { $0["done:\(prepared)"] = 1 }
                    try? await queue.ack([entry.id])
                }
            }
            let deadline = ContinuousClock.now + .seconds(30)
            while !log.finished((0..<12).map { "\($0)" }) && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
            group.cancelAll()
        }
        #expect(log.finished((0..<12).map { "\($0)" }))
        #expect(log.batches.withLock { $0 } == [["0", "1", "2", "3"], ["4", "5", "6", "7"], ["8", "9", "10", "11"]])
        #expect(try await queue.pendingCount() == 0)
    }
}
