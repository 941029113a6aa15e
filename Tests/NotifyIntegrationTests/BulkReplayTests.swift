import Foundation
import Hummingbird
import HummingbirdTesting
import NotifyAPI
import NotifyCore
import NotifyStore
import Testing
@testable import NotifyWorkers

/// A bulk replay of 10,000 failures as a background job, interrupted once and resumed, each replayed once.
@Suite(.serialized, .timeLimit(.minutes(4)))
struct BulkReplayTests {
    static func worker(_ env: TestEnvironment) -> ReplayWorker {
        ReplayWorker(redis: env.redis, replay: FailureReplay(redis: env.redis, cipher: env.deps.cipher, catalogue: env.deps.catalogue,
                                                             templates: env.deps.templates),
                     consumerName: "replays-test", pageSize: 500, visibilityTimeout: .seconds(30), logger: env.logger)
    }

    static func job(_ client: any TestClientProtocol, _ id: String, token: String) async throws -> [String: Any] {
        try await AdminTests.call(client, .get, "/v1/admin/jobs/\(id)", token: token).1
    }

    @Test func tenThousandFailuresReplayedOnceThroughAnInterruption() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let count = 10_000
        try await Population.seed(env, 0..<count)
        let ids = try await FailureKit.seed(env, 0..<count)
        // Failures on another channel stay out of an SMS-only replay.
        let bill: [String: JSONValue] = ["accountNumber": .string("A-1"), "amount": .string("12"), "dueDate": .string("2026-12-01"),
                                         "serviceProvider": .string("EWA")]
        let email = try await FailureKit.seed(env, 0..<3, channel: .email, eventType: "utility.bill-due", data: bill)
        let eraser = ResidentEraser(redis: env.redis)
        for i in [7, 4_000, 9_999] { _ = try await eraser.erase(Population.cpr(i)) }
        let token = try await env.staffToken("s.ali", role: "operator")

        try await Application(router: buildRouter(env.deps)).test(.router) { client in
            let (status, created) = try await AdminTests.call(client, .post, "/v1/admin/failures/replay", token: token,
                                                              body: #"{"filter":{"channel":"sms"},"reason":"gateway outage INC-42"}"#)
            #expect(status == .accepted)
            let jobId = try #require(created["jobId"] as? String)
            #expect(try await Self.job(client, jobId, token: token)["status"] as? String == "queued")

            // The first worker stops (cancelled, not drained) once some pages are done; a second resumes from the cursor.
            let started = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await Self.worker(env).run() }
                while (try await Self.job(client, jobId, token: token)["processed"] as? Int ?? 0) < 2_000 {
                    try await Task.sleep(for: .milliseconds(20))
                }
                group.cancelAll()
            }
            let interruptedAt = try await Self.job(client, jobId, token: token)
            #expect(interruptedAt["status"] as? String == "running")
            #expect((interruptedAt["processed"] as? Int ?? 0) < count)

            var done: [String: Any] = [:]
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await Self.worker(env).run() }
                defer { group.cancelAll() }
                let deadline = ContinuousClock.now + .seconds(180)
                repeat {
                    try await Task.sleep(for: .milliseconds(100))
                    done = try await Self.job(client, jobId, token: token)
                } while done["status"] as? String != "done" && ContinuousClock.now < deadline
            }
            let elapsed = ContinuousClock.now - started
            print("bulk replay of \(count) failures: \(elapsed)")
            #expect(done["status"] as? String == "done")
            #expect(done["total"] as? Int == count)
            #expect(done["processed"] as? Int == count)
            #expect(done["replayed"] as? Int == count - 3)
            #expect((done["skipped"] as? [String: Int]) == ["the resident has erased their data": 3])

            // Every replayed notification is queued with one stream entry at least; the email failures were left alone.
            let notifications = NotificationStore(redis: env.redis)
            for i in [0, 7, 1_234, 4_000, 9_998, 9_999] {
                let expected: NotificationStatus = [7, 4_000, 9_999].contains(i) ? .failed : .queued
                #expect(try await notifications.load(ids[i])?.notification.status == expected, "resident \(i)")
            }
            for id in email { #expect(try await notifications.load(id)?.notification.status == .failed) }
            let queued = try await env.redis.send("XRANGE", Keys.stream("sms"), "-", "+")
            let queuedIds = Set((queued.array ?? []).compactMap { entry -> String? in
                let fields = entry.array?.last?.array?.compactMap(\.string) ?? []
                return fields.count == 2 && fields[0] == "notification" ? fields[1] : nil
            })
            #expect(queuedIds.count == count - 3)

            let (_, audit) = try await AdminTests.call(client, .get, "/v1/admin/audit", token: token)
            let entries = (audit["items"] as? [[String: Any]] ?? []).filter { $0["target"] as? String == jobId }
            #expect(entries.compactMap { $0["outcome"] as? String } == ["done: \(count - 3) replayed, 3 not replayed", "started (channel=sms)"])
        }
    }
}
