import Foundation
import NotifyTestSupport
import Redis
import Testing

extension RedisIntegration {
    /// Callers sharing one connection: what they queue while it is busy goes out in one round trip,
    /// and each still gets exactly its own replies.
    @Suite(.serialized, .timeLimit(.minutes(2)))
    struct Coalescing {
        @Test func manyCallersOnOneConnectionEachGetTheirOwnReplies() async throws {
            let server = try RedisServer.start()
            let client = try RedisIntegration.client(server, poolSize: 1)
            defer { client.close() }
            _ = try await client.send("SET", "text", "not a number")
            let before = try await Self.calls(client)

            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<500 {
                    group.addTask {
                        switch i % 4 {
                        case 0:
                            #expect(try await client.send("SET", "k\(i)", "v\(i)") == .status("OK"))
                            #expect(try await client.send("GET", "k\(i)").string == "v\(i)")
                        case 1:
                            let replies = try await client.pipeline([RedisCommand("INCRBY", "n\(i)", i), RedisCommand("INCRBY", "n\(i)", 1)])
                            #expect(replies.map(\.int) == [i, i + 1])
                        case 2:
                            // A transaction stays contiguous inside a shared round trip.
                            let exec = try await client.transaction([RedisCommand("SET", "t\(i)", "a"), RedisCommand("APPEND", "t\(i)", "b")])
                            #expect(exec.map(\.int) == [nil, 2])
                        default:
                            // An error reply belongs to its caller alone.
                            await #expect(throws: RedisError.self) { try await client.send("INCR", "text") }
                        }
                    }
                }
                try await group.waitForAll()
            }
            // 500 callers made 750 calls; had each gone alone there would be 875 commands (MULTI and EXEC
            // included) in 750 round trips. Coalescing shows as fewer reads on the server than commands.
            let after = try await Self.calls(client)
            #expect(after.commands - before.commands >= 875)
            #expect(after.reads - before.reads < 750, "no round trip was shared: \(after.reads - before.reads) reads")
        }

        /// Commands processed and reads from clients, from INFO stats.
        static func calls(_ client: RedisClient) async throws -> (commands: Int, reads: Int) {
            let text = try await client.send("INFO", "stats").string ?? ""
            func field(_ name: String) -> Int {
                text.split(whereSeparator: \.isNewline).first { $0.hasPrefix(name + ":") }
                    .flatMap { Int($0.split(separator: ":")[1]) } ?? 0
            }
            return (field("total_commands_processed"), field("total_reads_processed"))
        }
    }
}
