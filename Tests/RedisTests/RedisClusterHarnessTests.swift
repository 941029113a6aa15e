import Foundation
import NotifyTestSupport
import Testing

extension RedisIntegration {
    /// The RedisCluster harness itself, so a cluster test failing points at the client, not the set-up.
    @Suite(.serialized, .timeLimit(.minutes(2)))
    struct RedisClusterHarnessTests {
        @Test func startsReshardsAndStops() async throws {
            // Blocking process work: off the cooperative pool, which has two threads on a 2-core machine.
            let cluster = try await OffPool.run { try RedisCluster.start() }
            #expect(cluster.ports.count == 3)
            #expect(Set(cluster.ports).count == 3)
            #expect(cluster.url == "redis+cluster://" + cluster.ports.map { "127.0.0.1:\($0)" }.joined(separator: ","))
            #expect(cluster.seedURLs == cluster.ports.map { "redis://127.0.0.1:\($0)" })

            for port in cluster.ports {
                let info = try await OffPool.run { try cluster.redisCLI(port: port, ["cluster", "info"]) }
                #expect(info.contains("cluster_state:ok"), "\(info)\n\(cluster.log)")
                #expect(info.contains("cluster_slots_ok:16384"), "\(info)")
                #expect(info.contains("cluster_size:3"), "\(info)")
                #expect(info.contains("cluster_known_nodes:3"), "\(info)")
            }
            #expect(cluster.masterPorts() == cluster.ports)

            let before = try await OffPool.run { try cluster.slotOwner(0) }
            let target = try #require(cluster.ports.first { $0 != before })
            // redis-cli takes the source's lowest slots first, so slot 0 is among the 100 that move.
            let (output, elapsed) = try await RedisIntegration.timed {
                try await OffPool.run { () -> String in
                    let output = try cluster.reshard(slots: 100, from: before, to: target)
                    try cluster.waitUntilStable(timeout: 20)
                    return output
                }
            }
            #expect(output.contains("Moving slot 0 from"), "\(output)")
            let after = try await OffPool.run { try cluster.slotOwner(0) }
            #expect(after == target, "slot 0 still on \(after), expected \(target); reshard took \(elapsed):\n\(output)")
            #expect(after != before)

            cluster.stop()
            for port in cluster.ports { #expect(!Loopback.isListening(port: port)) }
            cluster.stop()
        }
    }
}
