import Foundation
import NotifyStore
import NotifyTestSupport
import Testing
import Transport

/// `notifyme api`: the HTTP API alone, against a shared Redis, with no worker beside it.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct APICommandTests {
    @Test func withoutASharedRedisItIsAUsageError() async throws {
        let result = try await NotifymeBinary.run(["api"], env: ["NOTIFYME_REDIS_URL": ""])
        #expect(result.code == 64)
        #expect(result.err.contains("needs a shared Redis"), "\(result.err)")
    }

    @Test func itTakesEventsAndLeavesThemForTheWorkers() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let key = try await env.entityKey()
        let workDir = try Loopback.temporaryDirectory("nm-api")
        defer { try? FileManager.default.removeItem(at: workDir) }
        let port = try Loopback.freePort()
        let api = try ManagedProcess(name: "api", executable: NotifymeBinary.path, arguments: ["api"], workDir: workDir,
                                     environment: ProcessInfo.processInfo.environment.merging([
                                         "NOTIFYME_REDIS_URL": env.redisServer.url, "NOTIFYME_HTTP_PORT": String(port),
                                         "NOTIFYME_DATA_DIR": env.config.dataDir, "NOTIFYME_LOG_LEVEL": "warning",
                                     ]) { $1 }, currentDirectory: URL(fileURLWithPath: TestEnvironment.root))
        defer { api.stop() }
        let transport = CurlTransport(logger: env.logger)
        defer { transport.shutdown() }
        let harness = RunHarness(transport: transport)
        let base = "http://127.0.0.1:\(port)"
        try await harness.waitReady(base, api)

        let published = try await harness.http("POST", "\(base)/v1/events", token: key, body: Req.expiryEvent)
        #expect(published.status == 202, "\(published.bodyString)")
        // Queued for the fan-out workers, which this process does not run: the event stays accepted and the stream has
        // no consumer group yet.
        try await Task.sleep(for: .seconds(1))
        #expect(try await env.redis.send("XLEN", Keys.stream("events")).int == 1)
        #expect(try await env.redis.send("XINFO", "GROUPS", Keys.stream("events")).array?.isEmpty == true)
        let ready = try await harness.http("GET", "\(base)/health/ready")
        #expect(ready.status == 200)
    }
}
