import Foundation
import NotifyTestSupport
import Redis
import Testing

extension RedisIntegration {
    @Suite(.serialized, .timeLimit(.minutes(2)))
    struct Blocking {
        private static func readGroup(block: Int) -> RedisCommand {
            RedisCommand("XREADGROUP", "GROUP", "workers", "w1", "COUNT", 10, "BLOCK", block, "STREAMS", "q:sms", ">")
        }

        @Test func blockingReadTimesOutWithNullThenReceivesAnEntry() async throws {
            let server = try RedisServer.start()
            let client = try RedisIntegration.client(server)
            defer { client.close() }
            #expect(try await client.send("XGROUP", "CREATE", "q:sms", "workers", "$", "MKSTREAM") == .status("OK"))
            let reader = client.makeBlockingConnection(name: "sms-reader")
            defer { reader.close() }

            let (empty, waited) = try await RedisIntegration.timed {
                try await reader.send(Self.readGroup(block: 1000), timeout: .seconds(3))
            }
            #expect(empty == .null)
            #expect(waited >= .milliseconds(900))

            let pending = Task { try await reader.send(Self.readGroup(block: 5000), timeout: .seconds(8)) }
            try await Task.sleep(for: .milliseconds(200))
            let id = try #require(try await client.send("XADD", "q:sms", "*", "to", "+97312345678").string)
            let (reply, took) = try await RedisIntegration.timed { try await pending.value }
            #expect(took < .seconds(3), "the read must wake up on XADD, not wait out its block time")
            let stream = try #require(reply.array?.first?.array)
            #expect(stream.first?.string == "q:sms")
            let entry = try #require(stream.last?.array?.first?.array)
            #expect(entry.first?.string == id)
            #expect(entry.last?.dictionary?["to"]?.string == "+97312345678")
        }

        /// Blocked hiredis reads must sit on their own threads: with them on the cooperative pool
        /// (2 threads on this machine), the PING below would wait for the reads to end.
        @Test func blockedReadsDoNotStallOtherTasks() async throws {
            let server = try RedisServer.start()
            let client = try RedisIntegration.client(server, poolSize: 2)
            defer { client.close() }
            let readers = (0..<8).map { client.makeBlockingConnection(name: "blocker-\($0)") }
            defer { readers.forEach { $0.close() } }
            _ = try await client.send("PING")

            try await withThrowingTaskGroup(of: RedisValue.self) { group in
                for reader in readers {
                    group.addTask { try await reader.send(RedisCommand("BLPOP", "nothing", 6), timeout: .seconds(10)) }
                }
                try await Task.sleep(for: .milliseconds(300))
                let (pong, took) = try await RedisIntegration.timed { try await client.send("PING") }
                #expect(pong == .status("PONG"))
                // Stalled behind the reads it would end only when they do, 5.7 s later. The wide gap
                // lets a loaded 2-core machine (a full parallel test run took 1.6 s) pass on merit.
                #expect(took < .seconds(4), "PING took \(took) while reads were blocked")
                for try await value in group { #expect(value == .null) }
            }
        }
    }
}
