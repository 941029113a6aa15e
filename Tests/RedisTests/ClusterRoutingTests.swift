@testable import Redis
import Testing

/// The parts of cluster routing that need no server: slots, the keys a command names, redirect replies, the slot map
/// and the `redis+cluster://` URL.
@Suite struct ClusterRoutingTests {
    @Test func slotsMatchRedisClusterSpecification() {
        // Values from the Redis Cluster specification and from CLUSTER KEYSLOT on a real server.
        #expect(HashSlot.crc16(Array("123456789".utf8)[...]) == 0x31C3)
        #expect(HashSlot.of("foo") == 12182)
        #expect(HashSlot.of("bar") == 5061)
        #expect(HashSlot.of("{user1000}.following") == HashSlot.of("{user1000}.followers"))
        #expect(HashSlot.of("{user1000}.following") == HashSlot.of("user1000"))
        // An empty tag does not count: the whole key is hashed.
        #expect(HashSlot.of("foo{}{bar}") == HashSlot.of(Array("foo{}{bar}".utf8)[...].map { $0 }))
        #expect(HashSlot.of("foo{}{bar}") != HashSlot.of("bar"))
        // Only the first tag counts.
        #expect(HashSlot.of("foo{{bar}}zap") == HashSlot.of("{bar"))
        #expect(HashSlot.of("foo{bar}{zap}") == HashSlot.of("bar"))
    }

    @Test func commandsNameTheirKeys() {
        #expect(RedisCommand("GET", "k").keys == [Array("k".utf8)])
        #expect(RedisCommand("PING").keys.isEmpty)
        #expect(RedisCommand("INFO", "all").slot == nil)
        #expect(RedisCommand("EVALSHA", "abc", 2, "{a}1", "{a}2", "arg").keys.map { String(decoding: $0, as: UTF8.self) } == ["{a}1", "{a}2"])
        #expect(RedisCommand("EVALSHA", "abc", 0, "arg").keys.isEmpty)
        #expect(RedisCommand("XREADGROUP", "GROUP", "g", "c", "COUNT", 5, "BLOCK", 100, "STREAMS", "s1", "s2", ">", ">").keys.count == 2)
        #expect(RedisCommand("XGROUP", "CREATE", "s", "g", "0").slot == HashSlot.of("s"))
        #expect(RedisCommand("DEL", "a", "b").keys.count == 2)
        #expect(!RedisCommand("DEL", "a", "b").keysShareSlot)
        #expect(RedisCommand("DEL", "{t}a", "{t}b").keysShareSlot)
    }

    @Test func redirectsAreRead() {
        let node = RedisConfiguration.Endpoint.tcp(host: "10.0.0.9", port: 7000)
        #expect(ClusterRedirect(message: "MOVED 3999 127.0.0.1:6381", from: node) == .moved(slot: 3999, to: .tcp(host: "127.0.0.1", port: 6381)))
        #expect(ClusterRedirect(message: "ASK 3999 127.0.0.1:6381", from: node) == .ask(slot: 3999, to: .tcp(host: "127.0.0.1", port: 6381)))
        // No host: the node that answered.
        #expect(ClusterRedirect(message: "MOVED 1 :7002", from: node) == .moved(slot: 1, to: .tcp(host: "10.0.0.9", port: 7002)))
        #expect(ClusterRedirect(message: "MOVED 1 [::1]:7002", from: node) == .moved(slot: 1, to: .tcp(host: "::1", port: 7002)))
        #expect(ClusterRedirect(message: "TRYAGAIN Multiple keys request during rehashing of slot", from: node) == .retryLater)
        #expect(ClusterRedirect(message: "CLUSTERDOWN The cluster is down", from: node) == .retryLater)
        #expect(ClusterRedirect(message: "ERR wrong number of arguments", from: node) == nil)
        #expect(ClusterRedirect(message: "MOVED 99999 127.0.0.1:1", from: node) == nil)
        #expect(ClusterRedirect(.status("OK"), from: node) == nil)
    }

    @Test func slotMapReadsClusterSlots() throws {
        let asked = RedisConfiguration.Endpoint.tcp(host: "127.0.0.1", port: 7000)
        let reply = RedisValue.array([
            .array([.integer(0), .integer(5460), .array([.bulk(Array("".utf8)), .integer(7000), .bulk(Array("id1".utf8))])]),
            .array([.integer(5461), .integer(16383), .array([.bulk(Array("10.0.0.2".utf8)), .integer(7001)]),
                    .array([.bulk(Array("10.0.0.3".utf8)), .integer(7002)])]),
        ])
        let map = try ClusterSlotMap.parse(reply, asked: asked)
        #expect(map.uncovered == 0)
        #expect(map.node(for: 0) == asked)
        #expect(map.node(for: 5461) == .tcp(host: "10.0.0.2", port: 7001))
        #expect(map.nodes.count == 2, "replicas are not masters")
        #expect(throws: RedisError.self) { try ClusterSlotMap.parse(.array([.array([.integer(0)])]), asked: asked) }
    }

    @Test func clusterURLs() throws {
        let config = try RedisConfiguration(url: "redis+cluster://:s3cret@10.0.0.1:7000,10.0.0.2:7001,[::1]:7002")
        #expect(config.isCluster)
        #expect(config.clusterSeeds == [.tcp(host: "10.0.0.1", port: 7000), .tcp(host: "10.0.0.2", port: 7001), .tcp(host: "::1", port: 7002)])
        #expect(config.endpoint == .tcp(host: "10.0.0.1", port: 7000))
        #expect(config.password == "s3cret")
        #expect(config.description == "redis+cluster://:***@10.0.0.1:7000,10.0.0.2:7001,[::1]:7002")
        #expect(!(try RedisConfiguration(url: "redis://10.0.0.1:7000")).isCluster)
        for bad in ["redis+cluster://", "redis+cluster://a:1,,b:2", "redis+cluster://a:1/3", "redis+cluster://a:99999"] {
            #expect(throws: RedisError.self, "\(bad)") { try RedisConfiguration(url: bad) }
        }
    }
}
