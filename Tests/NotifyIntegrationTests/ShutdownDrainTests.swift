import Foundation
import NotifyTestSupport
import ProviderSim
import Testing
import Transport

/// `notifyme run` stopped by SIGTERM in the middle of a delivery run, then started again: the API stops taking
/// requests at once, the workers finish what they hold, and after the restart every resident has the message once.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ShutdownDrainTests {
    let transport = CurlTransport()

    func http(_ method: String, _ url: String, token: String? = nil, body: String? = nil) async throws -> HTTPResponse {
        try await RunHarness(transport: transport).http(method, url, token: token, body: body)
    }

    /// Starts `notifyme run` ready on a fresh port; each process logs into its own folder, so the first run's log survives the second.
    func start(_ env: [String: String], workDir parent: URL) async throws -> (ManagedProcess, String) {
        let workDir = parent.appendingPathComponent("run-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: workDir, withIntermediateDirectories: true)
        var env = env
        env["NOTIFYME_HTTP_PORT"] = "\(try Loopback.freePort())"
        let (process, started) = try await RunHarness(transport: transport).startReady(env, workDir: workDir)
        return (process, "http://127.0.0.1:\(started["NOTIFYME_HTTP_PORT"] ?? "")")
    }

    func waitUntil(_ seconds: Double, _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try condition()
    }

    @Test func sigtermMidRunThenRestartDeliversEveryNotificationExactlyOnce() async throws {
        defer { transport.shutdown() }
        let env = try await TestEnvironment()
        defer { env.stop() }
        let count = 200
        // From 1: the simulator refuses numbers ending in 0000, as resident 0's does.
        try await Population.seed(env, 1..<count + 1)
        let key = try await env.entityKey()

        try await ProviderSimulator.withRunning { sim in
            _ = try await sim.ready()
            // Slow sends at first, so SIGTERM finds several in flight.
            try sim.setBehaviour(ProviderBehaviour(latencyMs: 1500), for: "gateway")
            func sent() throws -> Int { try sim.counts(provider: "gateway").values.reduce(0, +) }

            let work = try Loopback.temporaryDirectory("nm-drain")
            let yaml = work.appendingPathComponent("notifyme.yaml")
            try """
                http: {host: 127.0.0.1}
                catalogue: \(TestEnvironment.root)/Config/events.yaml
                templates: \(TestEnvironment.root)/Templates
                workers: {smsConcurrency: 8}
                providers:
                  sms:
                    - {name: sim, type: gateway, url: "\(sim.baseURL)/sms/v1/messages", apiKey: "\(sim.credentials.gateway.apiKey)", sender: NotifyMe}
                """.write(to: yaml, atomically: true, encoding: .utf8)
            let processEnv = ["NOTIFYME_CONFIG": yaml.path, "NOTIFYME_REDIS_URL": env.redisServer.url,
                              "NOTIFYME_DATA_DIR": env.config.absoluteDataDir, "NOTIFYME_LOG_LEVEL": "info"]

            let (first, base) = try await start(processEnv, workDir: work)
            let recipients = (1..<count + 1).map { "\"\(Population.cpr($0))\"" }.joined(separator: ",")
            let published = try await http("POST", "\(base)/v1/events", token: key, body: """
                {"type":"identity.document-expiry","reference":"DRAIN-1","recipients":[\(recipients)],
                 "data":{"name":"Resident","document":"passport","expiryDate":"2026-12-24","reference":"DRAIN-1"}}
                """)
            #expect(published.status == 202, "\(String(decoding: published.body, as: UTF8.self))")
            let eventId = try #require((try JSONSerialization.jsonObject(with: Data(published.body)) as? [String: Any])?["id"] as? String)

            #expect(try await waitUntil(30) { try sent() >= 8 }, "no sends began")
            kill(first.pid, SIGTERM)
            // New requests are refused at once, while the sends in flight are still finishing.
            var refusedWhileDraining = false
            for _ in 0..<250 {
                if (try? await http("GET", "\(base)/health/live")) == nil {
                    refusedWhileDraining = first.isRunning
                    break
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(refusedWhileDraining, "the API still answered, or the process had already exited")
            #expect(try await waitUntil(30) { !first.isRunning }, "notifyme run did not stop within 30 s of SIGTERM")
            #expect(first.output.contains("NotifyMe stopped"), "\(first.output.suffix(2000))")
            let sentBeforeRestart = try sent()
            #expect(sentBeforeRestart < count, "everything was sent before SIGTERM; the test proves nothing")

            // Fast sends now: the restarted process delivers the rest.
            try sim.setBehaviour(ProviderBehaviour(latencyMs: 5), for: "gateway")
            let (second, base2) = try await start(processEnv, workDir: work)
            defer { second.stop() }
            let allSent = try await waitUntil(60) { try sent() >= count }
            #expect(allSent, "only \((try? sent()) ?? 0) of \(count) sent after the restart")
            try await Task.sleep(for: .seconds(1))
            let counts = try sim.counts(provider: "gateway")
            #expect(counts.count == count, "\(counts.count) residents received a message")
            #expect(counts.values.allSatisfy { $0 == 1 }, "sent twice: \(counts.filter { $0.value > 1 }.count)")

            let shown = try await http("GET", "\(base2)/v1/events/\(eventId)", token: key)
            let progress = (try JSONSerialization.jsonObject(with: Data(shown.body)) as? [String: Any])?["counts"] as? [String: Int]
            #expect(progress?["sent"] == count, "\(progress ?? [:])")
            #expect(progress?["queued"] == 0)
        }
    }
}
