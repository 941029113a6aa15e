import Foundation
import NotifyCore
import NotifyStore
import ProviderSim
import Testing
import Transport
@testable import NotifyWorkers

/// Channel workers against the simulator while a provider goes down and comes back: nothing lost, nothing twice.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ProviderOutageTests {
    /// Queues one SMS notification for each of `count` residents; returns their ids by phone number.
    static func queue(_ kit: DeliveryKit, count: Int) async throws -> [String: String] {
        var ids: [String: String] = [:]
        for i in 0..<count {
            let phone = "+9733600\(String(format: "%04d", 1000 + i))"
            let cpr = try await kit.resident(String(format: "88%07d", i), phone: phone)
            let n = try await kit.queued(cpr, channel: .sms)
            ids[phone] = n.id
        }
        try await WorkQueue(redis: kit.env.redis, stream: Keys.stream("sms"), group: "sms").add(ids.values.map { ["notification": $0] })
        return ids
    }

    /// Runs an SMS worker and the retry scheduler until every notification is sent and `meanwhile`, which runs beside
    /// them, has returned (or `timeout`).
    static func run(_ kit: DeliveryKit, pool: ProviderPool, ids: [String], timeout: Duration = .seconds(60),
                    meanwhile: @escaping @Sendable () async throws -> Void = {}) async throws -> Bool {
        let env = kit.env
        let worker = ChannelWorker(channel: .sms, redis: env.redis, cipher: env.deps.cipher, catalogue: env.deps.catalogue, templates: env.deps.templates,
                                   pools: ChannelPools(pool),
                                   settings: DeliverySettings(maxAttempts: 30, backoff: Backoff(base: .milliseconds(100), cap: .milliseconds(400)),
                                                              lease: .seconds(5)),
                                   concurrency: 8, consumerName: "sms-test", logger: env.logger)
        let scheduler = RetryScheduler(redis: env.redis, interval: .milliseconds(50), logger: env.logger)
        let sideDone = Flag()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            group.addTask { try await scheduler.run() }
            group.addTask {
                try await meanwhile()
                await sideDone.set()
            }
            defer { group.cancelAll() }
            let deadline = ContinuousClock.now + timeout
            let queue = WorkQueue.channel(.sms, redis: env.redis)
            while ContinuousClock.now < deadline {
                var done = await sideDone.value
                for id in ids where try await kit.status(id) != .sent { done = false; break }
                // A status is recorded before its entry is acknowledged: stopping between the two would leave it pending.
                if done, try await queue.pendingCount() == 0 { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            return false
        }
    }

    /// How many of `ids` are back in the queue after a failed attempt.
    static func failedOnce(_ kit: DeliveryKit, _ ids: [String]) async throws -> Int {
        var failed = 0
        for id in ids {
            guard let n = try await kit.notifications.load(id)?.notification else { continue }
            if n.status == .queued && n.attempts >= 1 { failed += 1 }
        }
        return failed
    }

    @Test func anOutageMidRunLosesNothingAndSendsNothingTwice() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let kit = DeliveryKit(env: env)
        let transport = CurlTransport()
        defer { transport.shutdown() }
        try await ProviderSimulator.withRunning { sim in
            let ids = try await Self.queue(kit, count: 40)
            // The gateway is down until ten sends have failed, then comes back. Waiting for failures rather than a clock keeps
            // a loaded machine, whose worker may start late, from missing the outage altogether.
            try sim.setBehaviour(ProviderBehaviour(latencyMs: 50, outage: true), for: "gateway")
            let pool = ProviderPool([.init(adapter: SMSProviderTests.gateway(sim, transport: transport))])
            let all = Array(ids.values)
            #expect(try await Self.run(kit, pool: pool, ids: all) {
                while try await Self.failedOnce(kit, all) < 10 { try await Task.sleep(for: .milliseconds(20)) }
                try sim.setBehaviour(ProviderBehaviour(latencyMs: 50), for: "gateway")
            })
            let counts = try sim.counts(provider: "gateway")
            #expect(counts.count == 40)
            #expect(counts.values.allSatisfy { $0 == 1 })
            #expect(Set(counts.keys) == Set(ids.keys))
            #expect(try await DeadLetterStore(redis: env.redis).list(.sms).isEmpty)
            // Some of them did meet the outage and were retried.
            var retried = 0
            for id in ids.values where (try await kit.notifications.load(id)?.notification.attempts ?? 0) > 1 { retried += 1 }
            #expect(retried > 0)
        }
    }

    @Test func aProviderInOutageLosesItsShareToTheOther() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let kit = DeliveryKit(env: env)
        let transport = CurlTransport()
        defer { transport.shutdown() }
        try await ProviderSimulator.withRunning { sim in
            let ids = try await Self.queue(kit, count: 60)
            try sim.setBehaviour(ProviderBehaviour(outage: true), for: "twilio")
            let pool = ProviderPool([.init(adapter: SMSProviderTests.gateway(sim, transport: transport)),
                                     .init(adapter: SMSProviderTests.twilio(sim, transport: transport))],
                                    failover: FailoverSettings(window: .seconds(30), threshold: 0.5, minimumRequests: 3, cooldown: .seconds(60)))
            #expect(try await Self.run(kit, pool: pool, ids: Array(ids.values)))
            #expect(pool.isTripped("tw"))
            #expect(pool.currentWeights() == [1, 0])
            let gateway = try sim.counts(provider: "gateway")
            #expect(gateway.count == 60)
            #expect(gateway.values.allSatisfy { $0 == 1 })
            #expect(try sim.counts(provider: "twilio").isEmpty)
        }
    }
}

/// Set once, read by the loop that waits for it.
private actor Flag {
    private(set) var value = false
    func set() { value = true }
}
