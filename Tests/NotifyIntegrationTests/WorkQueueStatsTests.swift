import Foundation
@testable import NotifyStore
import Redis
import Testing

/// A queue's depth (pending plus unread), as `/metrics`, the steady bench and the chaos audit read it.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct WorkQueueStatsTests {
    @Test func pendingAndUnreadEntriesMakeTheDepth() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let queue = WorkQueue(redis: env.redis, stream: "nm:{test}:stats", group: "g")
        try await queue.ensureGroup()
        try await queue.add([["n": "1"], ["n": "2"], ["n": "3"]])
        let connection = env.redis.makeBlockingConnection(name: "stats-test")
        defer { connection.close() }
        #expect(try await queue.read(consumer: "c", count: 1, block: nil, pending: false, on: connection).count == 1)
        let stats = try await queue.stats()
        #expect(stats.depth == 3)
        #expect(stats.oldestAge >= 0 && stats.oldestAge < 60)
    }

    /// After a restart from the AOF, Redis 7.0 can report a group that has read and acknowledged everything as lagging
    /// by thousands (its read counter is not restored); `XGROUP SETID ... ENTRIESREAD 0` makes the same state.
    @Test func aStaleReadCounterDoesNotMakeAFinishedQueueLookBehind() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let queue = WorkQueue(redis: env.redis, stream: "nm:{test}:stale", group: "g")
        try await queue.ensureGroup()
        try await queue.add((0..<5).map { ["n": "\($0)"] })
        let connection = env.redis.makeBlockingConnection(name: "stale-test")
        defer { connection.close() }
        let read = try await queue.read(consumer: "c", count: 10, block: nil, pending: false, on: connection)
        try await queue.ack(read.map(\.id))
        _ = try await env.redis.send("XGROUP", "SETID", queue.stream, "g", "$", "ENTRIESREAD", 0)
        let groups = try await env.redis.send("XINFO", "GROUPS", queue.stream).array ?? []
        #expect(WorkQueue.fields(groups.first ?? .null)["lag"] == "5", "the state a restart leaves")
        #expect(try await queue.stats() == WorkQueue.Stats(depth: 0, oldestAge: 0))

        // With unread entries the stale lag is bounded by what the stream holds beyond the pending ones.
        try await queue.add([["n": "5"]])
        #expect(try await queue.stats().depth == 1)
    }
}
