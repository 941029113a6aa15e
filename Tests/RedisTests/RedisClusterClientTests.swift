import Foundation
import NotifyTestSupport
@testable import Redis
import Testing

extension RedisIntegration {
/// The client against a real three-master Redis Cluster: routing by slot, pipelines across nodes, transactions and
/// scripts on one slot, MOVED while slots move, ASK during a migration, and a blocking read following its slot.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct RedisClusterClientTests {
    static func client(_ cluster: RedisCluster, poolSize: Int = 2) throws -> RedisClient {
        RedisClient(configuration: try RedisConfiguration(url: cluster.url), poolSize: poolSize)
    }

    @Test func commandsGoToTheNodeOfTheirSlot() async throws {
        let cluster = try await OffPool.run { try RedisCluster.start() }
        defer { cluster.stop() }
        let redis = try Self.client(cluster)
        defer { redis.close() }
        let keys = (0..<3000).map { "key:\($0)" }
        let set = try await redis.pipeline(keys.map { RedisCommand("SET", $0, "v-\($0)") })
        let ok = RedisValue.status("OK")
        #expect(set.allSatisfy { $0 == ok }, "\(set.first { $0 != ok } ?? RedisValue.null)")
        let got = try await redis.pipeline(keys.map { RedisCommand("GET", $0) })
        #expect(got.map { $0.string } == keys.map { "v-\($0)" })
        // Every master holds a share: the keys were spread, not all sent to one node.
        let sizes = try await redis.sendToEachNode(RedisCommand("DBSIZE")).compactMap { $0.int }
        #expect(sizes.count == 3 && sizes.allSatisfy { $0 > 500 } && sizes.reduce(0, +) == 3000, "\(sizes)")
        #expect(try await redis.send("GET", "key:42").string == "v-key:42")
        #expect(try await redis.send("PING").string == "PONG")
    }

    /// Each stage is spread over the nodes, and its replies come back before the next stage is sent.
    @Test func stagesRunOneAfterTheOtherAcrossNodes() async throws {
        let cluster = try await OffPool.run { try RedisCluster.start() }
        defer { cluster.stop() }
        let redis = try Self.client(cluster)
        defer { redis.close() }
        let keys = (0..<300).map { "stage:\($0)" }
        let replies = try await redis.pipeline(stages: [keys.map { RedisCommand("SET", $0, $0) }, [], keys.map { RedisCommand("GET", $0) }])
        #expect(replies.count == 3 && replies[0].count == 300 && replies[1].isEmpty)
        #expect(replies[2].map(\.string) == keys)
    }

    @Test func transactionsAndScriptsRunOnTheirTagsNode() async throws {
        let cluster = try await OffPool.run { try RedisCluster.start() }
        defer { cluster.stop() }
        let redis = try Self.client(cluster)
        defer { redis.close() }
        for tag in ["a", "b", "c", "d", "e", "f"] {
            let replies = try await redis.transaction([RedisCommand("SET", "{\(tag)}:x", 1), RedisCommand("INCR", "{\(tag)}:x"),
                                                       RedisCommand("SET", "{\(tag)}:y", "z")])
            #expect(replies == [RedisValue.status("OK"), .integer(2), .status("OK")])
        }
        await #expect(throws: RedisError.self) {
            _ = try await redis.transaction([RedisCommand("SET", "{a}:x", 1), RedisCommand("SET", "{b}:x", 1)])
        }
        // A script is cached per node: EVALSHA falls back to EVAL on each node that has not seen it.
        let script = RedisScript("return redis.call('INCRBY', KEYS[1], ARGV[1]) + redis.call('INCRBY', KEYS[2], ARGV[1])")
        for tag in ["a", "b", "c", "d", "e", "f"] {
            #expect(try await redis.evalsha(script, keys: ["{\(tag)}:p", "{\(tag)}:q"], args: [5]).int == 10)
        }
        await #expect(throws: RedisError.self) { _ = try await redis.evalsha(script, keys: ["{a}:p", "{b}:q"], args: [1]) }
    }

    @Test func writesKeepLandingWhileSlotsMove() async throws {
        let cluster = try await OffPool.run { try RedisCluster.start() }
        defer { cluster.stop() }
        let redis = try Self.client(cluster, poolSize: 4)
        defer { redis.close() }
        let counters = (0..<400).map { "counter:\($0)" }
        let source = try cluster.slotOwner(0)
        let target = try #require(cluster.masterPorts().first { $0 != source })
        // Increments run in pipelines while 3000 slots move; each round either succeeds for every counter or throws.
        let rounds = try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                var done = 0
                let stop = ContinuousClock.now + .seconds(60)
                while ContinuousClock.now < stop {
                    let replies = try await redis.pipeline(counters.map { RedisCommand("INCR", $0) })
                    let failed = replies.filter { if case .error = $0 { true } else { false } }
                    if !failed.isEmpty { throw RedisError.reply("round \(done): \(failed.first ?? .null)") }
                    done += 1
                    if try await redis.send("EXISTS", "done").int == 1 { break }
                }
                return done
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(300))
                let output = try await OffPool.run { try cluster.reshard(slots: 3000, from: source, to: target) }
                try await OffPool.run { try cluster.waitUntilStable(timeout: 30) }
                #expect(!output.isEmpty)
                _ = try await redis.send("SET", "done", 1)
                return -1
            }
            return try await group.reduce(0) { max($0, $1) }
        }
        #expect(rounds > 0)
        #expect(try cluster.slotOwner(0) == target)
        let values = try await redis.pipeline(counters.map { RedisCommand("GET", $0) }).map { $0.int }
        // Every increment landed exactly once: no round was lost or applied twice by a redirection.
        #expect(Set(values) == [rounds], "\(Set(values.prefix(20)))")
        #expect(try await redis.send("GET", "counter:7").int == rounds)
    }

    @Test func aMultiKeyCommandWaitsOutTryAgainWhileItsSlotIsHalfMoved() async throws {
        let cluster = try await OffPool.run { try RedisCluster.start() }
        defer { cluster.stop() }
        let redis = try Self.client(cluster)
        defer { redis.close() }
        let keys = ["{half}:1", "{half}:2"]
        for key in keys { _ = try await redis.send("SET", key, key) }
        let slot = HashSlot.of(keys[0])
        let source = try cluster.slotOwner(slot)
        let target = try #require(cluster.masterPorts().first { $0 != source })
        let sourceId = try cluster.nodeID(source), targetId = try cluster.nodeID(target)
        _ = try cluster.redisCLI(port: target, ["CLUSTER", "SETSLOT", "\(slot)", "IMPORTING", sourceId])
        _ = try cluster.redisCLI(port: source, ["CLUSTER", "SETSLOT", "\(slot)", "MIGRATING", targetId])
        _ = try cluster.redisCLI(port: source, ["MIGRATE", "127.0.0.1", "\(target)", keys[0], "0", "5000"])
        // One key moved, one not: the source answers TRYAGAIN until the migration ends, 400 ms from now.
        let started = ContinuousClock.now
        async let finished: Void = {
            try await Task.sleep(for: .milliseconds(400))
            try await OffPool.run { try cluster.moveSlot(slot, from: source, to: target) }
        }()
        let values = try await redis.send(RedisCommand("MGET", keys))
        try await finished
        #expect(values.array?.compactMap { $0.string } == keys)
        #expect(ContinuousClock.now - started >= .milliseconds(400))
    }

    @Test func askDuringAMigrationAndABlockingReadFollowsItsSlot() async throws {
        let cluster = try await OffPool.run { try RedisCluster.start() }
        defer { cluster.stop() }
        let redis = try Self.client(cluster)
        defer { redis.close() }
        let key = "{ask}:fresh"
        let slot = HashSlot.of(key)
        let source = try cluster.slotOwner(slot)
        let target = try #require(cluster.masterPorts().first { $0 != source })
        let sourceId = try cluster.nodeID(source), targetId = try cluster.nodeID(target)
        _ = try cluster.redisCLI(port: target, ["CLUSTER", "SETSLOT", "\(slot)", "IMPORTING", sourceId])
        _ = try cluster.redisCLI(port: source, ["CLUSTER", "SETSLOT", "\(slot)", "MIGRATING", targetId])
        // The key is not on the source, so the source answers ASK; the client asks the target, which takes it.
        #expect(try await redis.send("SET", key, "here") == RedisValue.status("OK"))
        #expect(try await redis.send("GET", key).string == "here")
        #expect(try cluster.redisCLI(port: source, ["DBSIZE"]).trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        for port in cluster.masterPorts() {
            _ = try cluster.redisCLI(port: port, ["CLUSTER", "SETSLOT", "\(slot)", "NODE", targetId])
        }
        #expect(try await redis.send("GET", key).string == "here")

        // A stream read on a blocking connection, then its slot moves away: the next read follows it.
        let stream = "{moving}:stream"
        _ = try await redis.send("XGROUP", "CREATE", stream, "g", "0", "MKSTREAM")
        _ = try await redis.send("XADD", stream, "*", "n", 1)
        let reader = redis.makeBlockingConnection(name: "reader")
        defer { reader.close() }
        func read() async throws -> Int {
            let reply = try await reader.send(RedisCommand("XREADGROUP", "GROUP", "g", "c", "COUNT", 10, "BLOCK", 2000, "STREAMS", stream, ">"),
                                              timeout: .seconds(5))
            return reply.array?.first?.array?[1].array?.count ?? 0
        }
        #expect(try await read() == 1)
        let from = try cluster.slotOwner(HashSlot.of(stream))
        let to = try #require(cluster.masterPorts().first { $0 != from })
        _ = try await OffPool.run { try cluster.moveSlot(HashSlot.of(stream), from: from, to: to) }
        _ = try await redis.send("XADD", stream, "*", "n", 2)
        #expect(try await read() == 1)
    }
}
}
