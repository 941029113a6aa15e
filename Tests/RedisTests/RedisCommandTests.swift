import Foundation
import NotifyTestSupport
import Redis
import Testing

extension RedisIntegration {
    @Suite(.serialized, .timeLimit(.minutes(2)))
    struct Commands {
        @Test func binarySafeValuesRoundTrip() async throws {
            let server = try RedisServer.start()
            let client = try RedisIntegration.client(server)
            defer { client.close() }
            let binary: [UInt8] = [0x00, 0x61, 0xFF, 0xFE, 0x00, 0xC3, 0x28, 0x0D, 0x0A]
            let binaryKey: [UInt8] = [0x6B, 0x00, 0xFF]
            #expect(try await client.send("SET", binaryKey, binary) == .status("OK"))
            let value = try await client.send("GET", binaryKey)
            #expect(value == .bulk(binary))
            #expect(value.string == nil, "invalid UTF-8 must not decode")
            #expect(try await client.send("STRLEN", binaryKey).int == binary.count)

            #expect(try await client.send("SET", "empty", "") == .status("OK"))
            let empty = try await client.send("GET", "empty")
            #expect(empty == .bulk([]))
            #expect(!empty.isNull)
            #expect(empty.string == "")
            #expect(try await client.send("EXISTS", "empty").int == 1)

            let piped = try await client.pipeline([RedisCommand("SET", "p", binary), RedisCommand("GET", "p")])
            #expect(piped == [.status("OK"), .bulk(binary)])
        }

        @Test func repliesAreTyped() async throws {
            let server = try RedisServer.start()
            let client = try RedisIntegration.client(server)
            defer { client.close() }
            #expect(try await client.send("PING") == .status("PONG"))
            #expect(try await client.send("INCRBY", "n", 41) == .integer(41))
            #expect(try await client.send("GET", "missing") == .null)
            #expect(try await client.send("HGETALL", "missing") == .array([]))

            let error = await #expect(throws: RedisError.self) { try await client.send("INCR", "n", "extra") }
            #expect(error?.isReply == true)
            #expect(error?.message.hasPrefix("ERR") == true)

            let mixed = try await client.pipeline([
                RedisCommand("SET", "s", "text"), RedisCommand("INCR", "s"), RedisCommand("GET", "s"),
            ])
            #expect(mixed[0] == .status("OK"))
            #expect(mixed[1].errorMessage?.contains("not an integer") == true)
            #expect(mixed[2] == .bulk(Array("text".utf8)))

            let id = try #require(try await client.send("XADD", "st", "*", "field", "value", "n", 7).string)
            let range = try await client.send("XRANGE", "st", "-", "+")
            #expect(range == .array([.array([.bulk(Array(id.utf8)), .array([
                .bulk(Array("field".utf8)), .bulk(Array("value".utf8)), .bulk(Array("n".utf8)), .bulk(Array("7".utf8)),
            ])])]))
            #expect(try await client.send("XGROUP", "CREATE", "st", "g", "0") == .status("OK"))
            let read = try await client.send("XREADGROUP", "GROUP", "g", "c", "COUNT", 10, "STREAMS", "st", ">")
            let stream = try #require(read.array?.first?.array)
            #expect(stream.first?.string == "st")
            let entry = try #require(stream.last?.array?.first?.array)
            #expect(entry.first?.string == id)
            #expect(entry.last?.dictionary?["n"]?.int == 7)

            let busy = await #expect(throws: RedisError.self) { try await client.send("XGROUP", "CREATE", "st", "g", "0") }
            #expect(busy?.isBusyGroup == true)
        }

        @Test func pipelineOfTenThousandIncrsComesBackInOrder() async throws {
            let server = try RedisServer.start()
            let client = try RedisIntegration.client(server)
            defer { client.close() }
            let commands = Array(repeating: RedisCommand("INCR", "counter"), count: 10_000)
            let replies = try await client.pipeline(commands)
            #expect(replies.count == 10_000)
            #expect(replies == (1...10_000).map { RedisValue.integer($0) })
            #expect(try await client.send("GET", "counter").int == 10_000)
        }

        @Test func stagesComeBackByStageInOneRoundTrip() async throws {
            let server = try RedisServer.start()
            let client = try RedisIntegration.client(server)
            defer { client.close() }
            let replies = try await client.pipeline(stages: [
                [RedisCommand("INCR", "n"), RedisCommand("INCR", "n")], [], [RedisCommand("GET", "n"), RedisCommand("DEL", "n"), RedisCommand("EXISTS", "n")],
            ])
            #expect(replies == [[.integer(1), .integer(2)], [], [.bulk(Array("2".utf8)), .integer(1), .integer(0)]])
        }

        @Test func hundredThousandPipelinedSetsTiming() async throws {
            let server = try RedisServer.start()
            let client = try RedisIntegration.client(server)
            defer { client.close() }
            _ = try await client.send("PING")
            let payload = [UInt8](repeating: 0x78, count: 32)
            let commands = (0..<100_000).map { RedisCommand("SET", "key:\($0)", payload) }
            let (replies, took) = try await RedisIntegration.timed { try await client.pipeline(commands) }
            print("RedisTests: 100,000 pipelined SETs (32-byte values) took \(took.formatted(.units(allowed: [.milliseconds])))")
            #expect(replies.count == 100_000)
            #expect(replies.allSatisfy { $0 == .status("OK") })
            #expect(try await client.send("DBSIZE").int == 100_000)

            let gets = (0..<100_000).map { RedisCommand("GET", "key:\($0)") }
            let (values, readTook) = try await RedisIntegration.timed { try await client.pipeline(gets) }
            print("RedisTests: 100,000 pipelined GETs took \(readTook.formatted(.units(allowed: [.milliseconds])))")
            #expect(values.allSatisfy { $0 == .bulk(payload) })
        }

        @Test func poolSpreadsConcurrentCommandsOverItsConnections() async throws {
            let server = try RedisServer.start()
            let client = try RedisIntegration.client(server, poolSize: 4)
            defer { client.close() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<400 {
                    group.addTask { _ = try await client.send("INCR", "hits") }
                }
                try await group.waitForAll()
            }
            #expect(try await client.send("GET", "hits").int == 400)
            let clients = try #require(try await client.send("CLIENT", "LIST").string)
            let poolNames = clients.split(separator: "\n").filter { $0.contains("name=pool-") }
            #expect(poolNames.count == 4, "\(clients)")
        }

        @Test func transactionsRunAsOneUnit() async throws {
            let server = try RedisServer.start()
            let client = try RedisIntegration.client(server, poolSize: 3)
            defer { client.close() }
            let results = try await withThrowingTaskGroup(of: (Int, [RedisValue]).self) { group in
                for index in 0..<60 {
                    group.addTask {
                        // Interleaving with another task's SET on the same connection would break GET == SET.
                        let replies = try await client.transaction([
                            RedisCommand("SET", "shared", "value-\(index)"),
                            RedisCommand("GET", "shared"),
                            RedisCommand("INCR", "count"),
                        ])
                        return (index, replies)
                    }
                    group.addTask {
                        // Queued inside someone else's MULTI, this would answer QUEUED instead of OK.
                        let reply = try await client.send("SET", "shared", "outsider")
                        #expect(reply == .status("OK"))
                        return (-1, [])
                    }
                }
                var all: [(Int, [RedisValue])] = []
                for try await result in group where result.0 >= 0 { all.append(result) }
                return all
            }
            #expect(results.count == 60)
            for (index, replies) in results {
                #expect(replies.count == 3)
                #expect(replies[0] == .status("OK"))
                #expect(replies[1].string == "value-\(index)")
            }
            #expect(Set(results.compactMap { $0.1.last?.int }) == Set(1...60))

            let runtime = try await client.transaction([RedisCommand("SET", "t", "x"), RedisCommand("INCR", "t")])
            #expect(runtime[0] == .status("OK"))
            #expect(runtime[1].errorMessage != nil)

            let aborted = await #expect(throws: RedisError.self) {
                try await client.transaction([RedisCommand("SET", "never", "1"), RedisCommand("INCR")])
            }
            #expect(aborted?.isReply == true)
            #expect(aborted?.message.contains("EXECABORT") == true)
            #expect(try await client.send("EXISTS", "never").int == 0)
        }

        @Test func evalshaReloadsAfterScriptFlush() async throws {
            let server = try RedisServer.start()
            let client = try RedisIntegration.client(server)
            defer { client.close() }
            let script = RedisScript("redis.call('SET', KEYS[1], ARGV[1]); return redis.call('INCRBY', KEYS[2], ARGV[2])")
            #expect(try await client.send("SCRIPT", "LOAD", script.source).string == script.sha1)

            #expect(try await client.evalsha(script, keys: ["a", "n"], args: ["x", 5]) == .integer(5))
            #expect(try await client.send("SCRIPT", "FLUSH") == .status("OK"))
            #expect(try await client.send("SCRIPT", "EXISTS", script.sha1) == .array([.integer(0)]))
            #expect(try await client.evalsha(script, keys: ["a", "n"], args: ["y", 2]) == .integer(7))
            #expect(try await client.send("GET", "a").string == "y")
            #expect(try await client.send("SCRIPT", "EXISTS", script.sha1) == .array([.integer(1)]))

            let failing = RedisScript("return redis.error_reply('NOPE custom')")
            let error = await #expect(throws: RedisError.self) { try await client.evalsha(failing, keys: [], args: []) }
            #expect(error?.message.contains("NOPE") == true)
        }
    }
}
