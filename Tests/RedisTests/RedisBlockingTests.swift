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

            let started = ContinuousClock.now
            try await withThrowingTaskGroup(of: RedisValue.self) { group in
                for reader in readers {
                    group.addTask { try await reader.send(RedisCommand("BLPOP", "nothing", 2), timeout: .seconds(5)) }
                }
                try await Task.sleep(for: .milliseconds(300))
                let (pong, took) = try await RedisIntegration.timed { try await client.send("PING") }
                #expect(pong == .status("PONG"))
                // Stalled behind the reads it would end only when they do, 1.7 s later; a loaded CI machine
                // may still take a few hundred milliseconds to answer.
                #expect(took < .milliseconds(1200), "PING took \(took) while reads were blocked")
                #expect(ContinuousClock.now - started < .milliseconds(1900))
                for try await value in group { #expect(value == .null) }
            }
        }
    }
}
