import Foundation
import NotifyTestSupport
import Redis
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension RedisIntegration {
    @Suite(.serialized, .timeLimit(.minutes(2)))
    struct Connections {
        @Test func passwordAndDatabaseFromURL() async throws {
            let server = try RedisServer.start(password: "p@ss word")
            let client = try RedisIntegration.client(server, path: "/3")
            defer { client.close() }
            #expect(try await client.send("SET", "where", "db3") == .status("OK"))
            #expect(try await client.send("CLIENT", "INFO").string?.contains(" db=3 ") == true)

            let other = RedisConnection(configuration: try RedisConfiguration(url: server.url + "/0"))
            defer { other.close() }
            #expect(try await other.send(RedisCommand("GET", "where")) == .null)
            #expect(try await other.send(RedisCommand("SELECT", 3)) == .status("OK"))
            #expect(try await other.send(RedisCommand("GET", "where")).string == "db3")

            let wrong = RedisConnection(configuration: try RedisConfiguration(url: "redis://:nope@127.0.0.1:\(server.port)"))
            defer { wrong.close() }
            let authError = await #expect(throws: RedisError.self) { try await wrong.send(RedisCommand("PING")) }
            #expect(authError?.isReply == true)
            #expect(authError?.message.contains("WRONGPASS") == true)

            let anonymous = RedisConnection(configuration: try RedisConfiguration(url: "redis://127.0.0.1:\(server.port)"))
            defer { anonymous.close() }
            let noAuth = await #expect(throws: RedisError.self) { try await anonymous.send(RedisCommand("GET", "where")) }
            #expect(noAuth?.message.hasPrefix("NOAUTH") == true)
        }

        @Test func unixSocketWithDatabaseAndPassword() async throws {
            let server = try RedisServer.start(unixSocket: true, password: "sock-pw")
            #expect(server.url.hasPrefix("unix:///"))
            let client = try RedisIntegration.client(server, path: "&db=2")
            defer { client.close() }
            #expect(try await client.send("SET", "u", "1") == .status("OK"))
            let info = try #require(try await client.send("CLIENT", "INFO").string)
            #expect(info.contains(" db=2 "))
            #expect(info.contains("addr=/"), "should be a unix-socket client: \(info)")
        }

        @Test func refusedConnectionFailsFast() async throws {
            let port = try Loopback.freePort()
            let connection = RedisConnection(configuration: try RedisConfiguration(url: "redis://127.0.0.1:\(port)"))
            defer { connection.close() }
            let (error, took) = await RedisIntegration.timed {
                await #expect(throws: RedisError.self) { try await connection.send(RedisCommand("PING")) }
            }
            #expect(error?.isConnectionError == true)
            #expect(error?.message.contains("\(port)") == true)
            #expect(took < .seconds(2))
        }

        @Test func connectTimeoutIsHonoured() async throws {
            let listener = try StuckListener()
            let configuration = try RedisConfiguration(url: "redis://127.0.0.1:\(listener.port)", connectTimeout: .milliseconds(300))
            let connection = RedisConnection(configuration: configuration)
            defer { connection.close() }
            let (error, took) = await RedisIntegration.timed {
                await #expect(throws: RedisError.self) { try await connection.send(RedisCommand("PING")) }
            }
            #expect(error?.isConnectionError == true)
            #expect(took >= .milliseconds(250))
            #expect(took < .seconds(2), "connect must give up after its timeout, took \(took)")
        }

        @Test func commandTimeoutDiscardsTheConnection() async throws {
            let server = try RedisServer.start()
            let connection = RedisConnection(configuration: try RedisConfiguration(url: server.url, commandTimeout: .milliseconds(300)))
            defer { connection.close() }
            let helper = try RedisIntegration.client(server, poolSize: 1)
            defer { helper.close() }

            let (error, took) = await RedisIntegration.timed {
                await #expect(throws: RedisError.self) { try await connection.send(RedisCommand("BLPOP", "jobs", 5)) }
            }
            #expect(error?.isTimeout == true)
            #expect(took < .seconds(2))

            // Had the timed-out connection survived, its BLPOP would still be waiting to take this item.
            try await Task.sleep(for: .milliseconds(100))
            #expect(try await helper.send("RPUSH", "jobs", "item") == .integer(1))
            try await Task.sleep(for: .milliseconds(100))
            #expect(try await helper.send("LLEN", "jobs") == .integer(1))
            #expect(try await connection.send(RedisCommand("ECHO", "fresh")).string == "fresh")

            // A per-call timeout longer than the block time lets a blocking command finish.
            let (popped, waited) = try await RedisIntegration.timed {
                try await connection.send(RedisCommand("BLPOP", "empty", 1), timeout: .seconds(3))
            }
            #expect(popped == .null)
            #expect(waited >= .milliseconds(900))
            #expect(try await connection.send(RedisCommand("LPOP", "jobs")).string == "item")
        }

        @Test func killedServerGivesConnectionErrorThenReconnects() async throws {
            let server = try RedisServer.start(password: "pw", appendOnly: true)
            let client = try RedisIntegration.client(server, poolSize: 3, path: "/2")
            defer { client.close() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<30 { group.addTask { _ = try await client.send("SET", "k\(index)", index) } }
                try await group.waitForAll()
            }

            server.kill()
            let (error, took) = await RedisIntegration.timed {
                await #expect(throws: RedisError.self) { try await client.send("GET", "k1") }
            }
            #expect(error?.isConnectionError == true, "\(String(describing: error))")
            #expect(took < .seconds(3), "must not hang, took \(took)")

            try server.restart()
            // Every pooled connection notices its dead socket and reconnects with AUTH and SELECT 2.
            for _ in 0..<6 {
                #expect(try await client.send("CLIENT", "INFO").string?.contains(" db=2 ") == true)
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        let reply = try await client.send("PING")
                        #expect(reply == .status("PONG"))
                    }
                }
                try await group.waitForAll()
            }
        }

        /// A write to a socket the server closed raises SIGPIPE, which by default kills the process.
        @Test func sigpipeIsIgnoredOnceConnected() async throws {
            let server = try RedisServer.start()
            let connection = RedisConnection(configuration: try RedisConfiguration(url: server.url))
            defer { connection.close() }
            #expect(try await connection.send(RedisCommand("PING")) == .status("PONG"))
            var current = sigaction()
            #expect(sigaction(SIGPIPE, nil, &current) == 0)
            let handler = current.__sigaction_handler.sa_handler.map { unsafeBitCast($0, to: Int.self) } ?? 0
            #expect(handler == 1, "SIGPIPE disposition should be SIG_IGN (1), is \(handler)")
        }

        /// The server drops the connection while a big pipeline is still being written.
        @Test func serverClosingMidPipelineIsAConnectionError() async throws {
            let server = try RedisServer.start()
            let connection = RedisConnection(configuration: try RedisConfiguration(url: server.url), name: "victim")
            defer { connection.close() }
            let id = try #require(try await connection.send(RedisCommand("CLIENT", "ID")).int)
            let filler = [UInt8](repeating: 0x7A, count: 1024)
            let commands = [RedisCommand("CLIENT", "KILL", "ID", id, "SKIPME", "no")] + (0..<20_000).map { RedisCommand("SET", "f\($0)", filler) }
            let (error, took) = await RedisIntegration.timed {
                await #expect(throws: RedisError.self) { _ = try await connection.pipeline(commands).count }
            }
            #expect(error?.isConnectionError == true, "\(String(describing: error))")
            #expect(took < .seconds(5))
            #expect(try await connection.send(RedisCommand("PING")) == .status("PONG"))
        }

        @Test func closedConnectionRefusesCommands() async throws {
            let server = try RedisServer.start()
            let connection = RedisConnection(configuration: try RedisConfiguration(url: server.url), name: "closing")
            #expect(try await connection.send(RedisCommand("PING")) == .status("PONG"))
            connection.close()
            connection.close()
            let error = await #expect(throws: RedisError.self) { try await connection.send(RedisCommand("PING")) }
            #expect(error?.isClosed == true)

            let client = try RedisIntegration.client(server)
            client.close()
            let clientError = await #expect(throws: RedisError.self) { try await client.pipeline([RedisCommand("PING")]) }
            #expect(clientError?.isConnectionError == true)
        }
    }
}
