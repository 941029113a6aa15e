import Foundation
import NotifyCore
import NotifyStore
import NotifyTestSupport
import Redis
import Testing

/// A fan-out worker process killed with SIGKILL midway: the restarted one resumes, and every
/// notification exists once, is counted once and was created once.
@Suite(.serialized, .timeLimit(.minutes(4)))
struct FanoutResumeTests {
    @Test func killedFanoutResumesAndCreatesEachNotificationOnce() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let n = 20_000
        try await Population.seed(env, 0..<n, topic: TopicFanoutTests.topic)
        let event = TopicFanoutTests.alert()
        let events = EventStore(redis: env.redis)
        try await events.publish(event)

        let workDir = try Loopback.temporaryDirectory("nm-fanout")
        let configFile = workDir.appendingPathComponent("notifyme.yaml")
        try """
            catalogue: \(TestEnvironment.root)/Config/events.yaml
            templates: \(TestEnvironment.root)/Templates
            workers: {fanoutBatchSize: 100, fanoutConcurrency: 1, visibilityTimeout: 2s}
            """.write(to: configFile, atomically: true, encoding: .utf8)
        let processEnv = ProcessInfo.processInfo.environment.merging([
            "NOTIFYME_CONFIG": configFile.path, "NOTIFYME_REDIS_URL": env.redisServer.url, "NOTIFYME_DATA_DIR": env.config.dataDir,
            "NOTIFYME_LOG_LEVEL": "warning",
        ]) { $1 }
        func startWorker(_ name: String) throws -> ManagedProcess {
            try ManagedProcess(name: name, executable: NotifymeBinary.path, arguments: ["worker", "fanout"], workDir: workDir,
                               environment: processEnv, currentDirectory: URL(fileURLWithPath: TestEnvironment.root))
        }

        // Kill it once a quarter of the residents are counted, mid-run. The watch has a thread of its own: under the full
        // suite the test process's cooperative pool can be busy for longer than the whole fan-out takes.
        let first = try startWorker("fanout-1")
        let deadline = ContinuousClock.now + .seconds(60)
        let (port, key) = (env.redisServer.port, Keys.event(event.id))
        let counted = try await OffPool.run { () -> Int in
            let watch = try RawConnection(port: port)
            var counted = 0
            while counted < n / 4 && ContinuousClock.now < deadline && first.isRunning {
                usleep(1_000)
                counted = try watch.redisBulk(["HGET", key, "recipients"]).flatMap(Int.init) ?? counted
            }
            if first.isRunning { kill(first.pid, SIGKILL) }
            return counted
        }
        first.stop(signal: SIGKILL, timeout: 1)
        let atKill = try #require(try await events.loadFields(event.id)).fields
        #expect(atKill["status"] == "fanning-out", "killed too late: \(first.output)")
        let recordsAtKill = try await Population.notificationRecords(env)
        #expect(recordsAtKill < n)

        let second = try startWorker("fanout-2")
        defer { second.stop() }
        var status = ""
        while status != "dispatched" && ContinuousClock.now < deadline + .seconds(60) {
            try await Task.sleep(for: .milliseconds(50))
            status = try await events.loadFields(event.id)?.fields["status"] ?? ""
        }
        let f = try #require(try await events.loadFields(event.id)).fields
        #expect(status == "dispatched", "\(second.output)")
        #expect(f["count:queued"] == "\(n)")
        #expect(f["recipients"] == "\(n)")
        #expect(try await Population.notificationRecords(env) == n)

        // Created once: every record holds its creation line, and no move has made a timeline list yet.
        let ids = (0..<n).map { Digest.notificationID(eventId: event.id, cpr: Population.cpr($0)) }
        let firstLines = try await env.redis.pipeline(ids.map { RedisCommand("HGET", Keys.notification($0), "detail0") })
        #expect(firstLines.allSatisfy { $0.string?.hasPrefix("queued") == true })
        let lengths = try await env.redis.pipeline(ids.map { RedisCommand("LLEN", Keys.timeline($0)) })
        #expect(lengths.allSatisfy { $0.int == 0 })
        // Queued once per notification: the stream may hold a repeat only for a batch cut between its two writes, one
        // batch for each part in flight (a worker reads four parts at a time and fans them out side by side).
        let entries = try await env.redis.send("XRANGE", Keys.stream("sms"), "-", "+").array ?? []
        let queued = Set(entries.compactMap { $0.array?.last?.array?.last?.string })
        #expect(queued == Set(ids))
        #expect(entries.count - n <= 4 * 100)
        print("fan-out killed at \(counted) of \(n) counted (\(recordsAtKill) records); resumed to \(n); \(entries.count - n) repeated stream entries")
    }
}
