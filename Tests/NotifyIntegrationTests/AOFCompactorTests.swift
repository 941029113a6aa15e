import Logging
import NotifyTestSupport
import Redis
import Testing
@testable import NotifyWorkers

/// The append-only file rewritten while Redis is quiet, against a real redis-server with AOF on.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct AOFCompactorTests {
    static let grown: [Substring: Substring] = [
        "aof_enabled": "1", "aof_rewrite_in_progress": "0", "aof_rewrite_scheduled": "0",
        "aof_current_size": "200000000", "aof_base_size": "90000000",
    ]

    @Test func dueOnlyWhenTheFileHasDoubledAndRedisIsQuiet() {
        func due(_ changes: [Substring: Substring] = [:], rate: Double? = 40) -> Bool {
            AOFCompactor.isDue(Self.grown.merging(changes) { $1 }, commandsPerSecond: rate, quietRate: 500, minimumBytes: 64 << 20)
        }
        #expect(due())
        #expect(!due(rate: 5_000), "busy")
        #expect(!due(rate: nil), "no rate measured yet")
        #expect(!due(["aof_base_size": "100000001"]), "not doubled")
        #expect(!due(["aof_current_size": "60000000", "aof_base_size": "1000"]), "under the minimum size")
        #expect(!due(["aof_rewrite_in_progress": "1"]))
        #expect(!due(["aof_rewrite_scheduled": "1"]))
        #expect(!due(["aof_enabled": "0"]))
        #expect(!AOFCompactor.isDue([:], commandsPerSecond: 0, quietRate: 500, minimumBytes: 0), "no persistence fields")
    }

    @Test func aCountThatWentDownIsNoRate() {
        let then = ContinuousClock.now
        let now = then + .seconds(2)
        #expect(AOFCompactor.rate(1_100, at: now, since: (1_000, then)) == 50)
        #expect(AOFCompactor.rate(1_000, at: now, since: nil) == nil, "first look")
        #expect(AOFCompactor.rate(40, at: now, since: (1_000_000, then)) == nil, "Redis restarted between the looks: not quiet")
    }

    @Test func rewritesAGrownFileOnceRedisIsQuietAndNotWhileItIsBusy() async throws {
        let server = try RedisServer.start(appendOnly: true)
        let redis = RedisClient(configuration: try RedisConfiguration(url: server.url))
        defer { redis.close() }
        // Grow the file well past twice its base.
        let value = String(repeating: "v", count: 1_000)
        for batch in 0..<20 {
            _ = try await redis.pipeline((0..<100).map { RedisCommand("SET", "k\(batch)-\($0)", value) })
        }
        let before = try await redis.send("INFO", "persistence").infoFields
        #expect(Int(before["aof_current_size"] ?? "") ?? 0 > 2 * (Int(before["aof_base_size"] ?? "") ?? 0))

        // Never quiet enough: looked at five times (INFO calls Redis counted, less this test's own), nothing rewritten.
        let busy = AOFCompactor(redis: redis, interval: .milliseconds(100), quietRate: 0, minimumBytes: 1, logger: Logger(label: "test"))
        let baseline = try await infoCalls(redis)
        var polls = 1
        try await runUntil(busy) {
            polls += 1
            return try await infoCalls(redis) - baseline - polls >= 5
        }
        #expect(try await infoCalls(redis) - baseline - polls >= 5, "the busy compactor did not look five times")
        #expect(try await rewrites(redis) == 0)

        // Quiet: rewritten once, and the file is back under twice its new base.
        let quiet = AOFCompactor(redis: redis, interval: .milliseconds(100), quietRate: 1e12, minimumBytes: 1, logger: Logger(label: "test"))
        try await runUntil(quiet) {
            let state = try await redis.send("INFO", "persistence").infoFields
            return state["aof_rewrites"] != "0" && state["aof_rewrite_in_progress"] == "0"
        }
        let after = try await redis.send("INFO", "persistence").infoFields
        #expect(after["aof_rewrites"] == "1", "one rewrite: the file no longer doubled after it")
        #expect(Int(after["aof_current_size"] ?? "") ?? 0 < 2 * (Int(after["aof_base_size"] ?? "") ?? 0))
        #expect(try await redis.send("DBSIZE").int == 2_000)
    }

    /// INFO commands Redis has run (this call not among them: a command is counted once it has run).
    private func infoCalls(_ redis: RedisClient) async throws -> Int {
        let line = (try await redis.send("INFO", "commandstats").string ?? "").split(whereSeparator: \.isNewline)
            .first { $0.hasPrefix("cmdstat_info:") } ?? ""
        return line.split(separator: ",").first.flatMap { Int($0.split(separator: "=").last ?? "") } ?? 0
    }

    private func rewrites(_ redis: RedisClient) async throws -> Int {
        Int(try await redis.send("INFO", "persistence").infoFields["aof_rewrites"] ?? "") ?? 0
    }

    /// Runs the service until `done` answers true (asked every 50 ms, for 20 s at most), then cancels it.
    private func runUntil(_ compactor: AOFCompactor, _ done: @escaping () async throws -> Bool) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try? await compactor.run() }
            let deadline = ContinuousClock.now + .seconds(20)
            while try await !done(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            group.cancelAll()
        }
    }
}
