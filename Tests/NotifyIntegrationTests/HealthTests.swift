import Foundation
import Hummingbird
import HummingbirdTesting
import NotifyAPI
import NotifyStore
import NotifyWorkers
import Testing
import Transport

/// GET /health/ready follows Redis and the workers of the process, and a stopping worker hands back what it holds.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct HealthTests {
    static func readiness(_ client: some TestClientProtocol) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await client.execute(uri: "/health/ready", method: .get) { r in (r.status, Req.json(r.body)) }
    }

    static func state(_ body: [String: Any], _ worker: String) -> String? {
        ((body["workers"] as? [String: Any])?[worker] as? [String: Any])?["state"] as? String
    }

    /// The real workers of `notifyme run`, as services beside the API: ready while they run; not once Redis goes.
    @Test func readinessFollowsTheRunningWorkersAndRedis() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let health = WorkerHealth()
        let deps = try await APIDependencies.make(config: env.config, redis: env.redis, health: health)
        let workers = try WorkerSet.make(config: env.config, redis: env.redis, catalogue: deps.catalogue, templates: deps.templates,
                                         cipher: deps.cipher, transport: transport, health: health, logger: env.logger)
        let app = buildApplication(config: env.config, dependencies: deps, services: workers, logger: env.logger)
        try await app.test(.live) { client in
            let (status, body) = try await Self.readiness(client)
            #expect(status == .ok)
            #expect(body["status"] as? String == "ready")
            for name in ["fanout-0", "email", "callbacks", "replays", "scheduler.retries", "scheduler.events", "scheduler.receipts"] {
                #expect(Self.state(body, name) == "running", "\(name): \(body)")
            }

            env.redisServer.kill()
            // Redis is gone at once; the workers' reads fail in a row within a few seconds.
            var last: [String: Any] = [:]
            for _ in 0..<100 {
                let (status, body) = try await Self.readiness(client)
                #expect(status == .serviceUnavailable)
                last = body
                if Self.state(body, "email") == "failing" && Self.state(body, "scheduler.retries") == "failing" { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(last["redis"] as? String == "unreachable")
            #expect(Self.state(last, "email") == "failing", "\(last)")
            #expect(Self.state(last, "scheduler.retries") == "failing", "\(last)")
        }
    }

    @Test func aStoppedOrFailingWorkerMakesTheProcessNotReady() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        // Staleness is judged by the clock, which a loaded machine stretches (readiness calls took over 5 s in full CI
        // runs): here nothing goes stale, and `aSilentWorkerIsStalled` checks staleness against a given instant.
        let health = WorkerHealth(staleAfter: .seconds(600))
        let deps = try await APIDependencies.make(config: env.config, redis: env.redis, health: health)
        let app = Application(router: buildRouter(deps))
        try await app.test(.router) { client in
            // An API-only process has no workers: Redis alone decides.
            #expect(try await Self.readiness(client).0 == .ok)

            let sms = health.heartbeat("sms")
            let fanout = health.heartbeat("fanout-0")
            #expect(try await Self.readiness(client).0 == .ok)

            sms.stopped()
            var (status, body) = try await Self.readiness(client)
            #expect(status == .serviceUnavailable)
            #expect(body["redis"] as? String == "ok")
            #expect(Self.state(body, "sms") == "stopped")
            #expect(Self.state(body, "fanout-0") == "running")

            // Failing three times in a row; one success clears it.
            for _ in 0..<3 { fanout.failed() }
            (status, body) = try await Self.readiness(client)
            #expect(Self.state(body, "fanout-0") == "failing")
            fanout.beat()
            (status, body) = try await Self.readiness(client)
            #expect(Self.state(body, "fanout-0") == "running")
        }
    }

    @Test func aSilentWorkerIsStalledUntilItBeatsAgain() {
        let health = WorkerHealth(staleAfter: .seconds(60))
        let fanout = health.heartbeat("fanout-0")
        fanout.beat()
        let beat = ContinuousClock.now
        #expect(health.report(now: beat + .seconds(30)).first?.state == .running)
        #expect(health.report(now: beat + .seconds(61)).first?.state == .stalled)
        fanout.beat()
        #expect(health.report(now: .now + .seconds(30)).first?.state == .running)
    }

    /// A worker stopping gracefully with an entry it did not finish hands it back: another consumer takes it on its
    /// next pass, not a visibility timeout (here an hour) later, and the hand-back does not count as a delivery.
    @Test func aStoppingConsumerHandsBackWhatItHolds() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let queue = WorkQueue(redis: env.redis, stream: "nm:{test}:handback", group: "g")
        try await queue.ensureGroup()
        try await queue.add([["n": "1"], ["n": "2"]])
        let connection = env.redis.makeBlockingConnection(name: "handback-test")
        defer { connection.close() }
        let held = try await queue.read(consumer: "a", count: 10, block: nil, pending: false, on: connection)
        #expect(held.count == 2)
        #expect(try await queue.reclaim(consumer: "b", minIdle: .seconds(3600), count: 10).isEmpty)

        #expect(try await queue.handBack(consumer: "a", idle: .seconds(3600)) == 2)
        let taken = try await queue.reclaim(consumer: "b", minIdle: .seconds(3600), count: 10)
        #expect(taken.map(\.id) == held.map(\.id))
        // Delivered to a, then to b: two deliveries, not three.
        let pending = try await env.redis.send("XPENDING", queue.stream, "g", "-", "+", 10)
        #expect(pending.array?.compactMap { $0.array?[3].int } == [2, 2])
    }
}
