import Foundation
import NotifyCore
import NotifyStore
import NotifyTestSupport
import Redis
import Testing
@testable import NotifyWorkers

/// Sends waiting for their provider's rate: they must not outlive their lease (once it lapses another worker may take
/// the send over, and both would send), nor ask Redis for a token once per waiting send each time one is due.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct RateLimitWaitTests {
    @Test func aSendTheRateLimitWouldHoldPastItsLeaseGoesBackToTheQueue() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let kit = DeliveryKit(env: env)
        let first = try await kit.queued(try await kit.resident("880101234", phone: "+97336001234"), channel: .sms)
        let second = try await kit.queued(try await kit.resident("880101235", phone: "+97336001235"), channel: .sms)
        let sms = ScriptedAdapter("gw", [.success("gw-1"), .success("gw-2")])
        // One token every 10 s, and a 4 s lease: a send must start within the first second of its lease.
        let delivery = kit.delivery(.sms, ChannelPools(ProviderPool([.init(adapter: sms, ratePerSecond: 0.1)])), lease: .seconds(4))
        // On a loaded machine (the whole suite on two cores) the steps before the limiter can take up the first send's
        // first second too, and it goes back to the queue: it is delivered again until it is sent.
        for _ in 0..<5 {
            try await delivery.deliver(first.id)
            if try await kit.status(first.id) == .sent { break }
        }
        try #require(try await kit.status(first.id) == .sent)
        // The bucket is emptied right before the second send, so a slow machine between the two sends cannot refill it.
        let limiter = RateLimiter(redis: env.redis)
        while try await limiter.take("provider:gw", rate: 0.1, burst: 1) == nil {}
        try await delivery.deliver(second.id)
        #expect(sms.calls == 1)
        let held = try #require(try await kit.notifications.load(second.id))
        #expect(held.notification.status == .queued)
        #expect(held.notification.attempts == 0, "no provider call was made, so no attempt is counted")
        #expect(held.timeline.last?.detail.contains("gw's rate limit") == true, "\(held.timeline.map(\.detail))")
        #expect(try await env.redis.send("ZSCORE", Keys.delayed("sms"), second.id).string != nil, "scheduled to come back")
        // When it comes back and the provider has room, it is sent once and counted once. On a loaded machine the steps
        // before the limiter can take up the send's first second, and it goes back again: it comes back until it is sent.
        for _ in 0..<6 {
            try await Task.sleep(for: .seconds(3))
            try await delivery.deliver(second.id)
            if try await kit.status(second.id) == .sent { break }
        }
        #expect(sms.calls == 2)
        #expect(try await kit.status(second.id) == .sent)
        #expect(try await EventStore(redis: env.redis).load(second.eventId)?.counts[.sent] == 1)
        #expect(try await kit.notifications.load(second.id)?.notification.attempts == 1)
    }

    @Test func sendsWaitingForTheRateAskRedisInTurn() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let kit = DeliveryKit(env: env)
        var ids: [String] = []
        for i in 0..<40 {
            let cpr = try await kit.resident(String(format: "88010%04d", i), phone: String(format: "+9733600%04d", i))
            ids.append(try await kit.queued(cpr, channel: .sms).id)
        }
        let sms = ScriptedAdapter("gw", (1...40).map { .success("gw-\($0)") })
        // Ten a second: ten go at once, and thirty wait up to 3 s, each told the next token is 100 ms away.
        let delivery = kit.delivery(.sms, ChannelPools(ProviderPool([.init(adapter: sms, ratePerSecond: 10)])))
        _ = try await env.redis.send("CONFIG", "RESETSTAT")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for id in ids { group.addTask { try await delivery.deliver(id) } }
            try await group.waitForAll()
        }
        #expect(sms.calls == 40)
        for id in ids { #expect(try await kit.status(id) == .sent) }
        // Two scripts per send are its moves (sending, sent); the rest asked the limiter. Asking in turn takes about one
        // ask per token and one per wait; every waiting send asking each time took 505.
        let stats = try #require(try await env.redis.send("INFO", "commandstats").string)
        let asks = SentCounterTests.calls("evalsha", in: stats) - 2 * 40
        #expect(asks >= 40 && asks < 200, "\(asks) asks for a token")
    }
}
