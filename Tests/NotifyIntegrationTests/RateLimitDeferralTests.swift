import Foundation
import NotifyCore
import NotifyStore
import NotifyTestSupport
import Redis
import Testing
@testable import NotifyWorkers

/// A send held back by its provider's rate limit must not outlive its lease: once the lease lapses another worker may
/// take it over, and both would send.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct RateLimitDeferralTests {
    @Test func aSendTheRateLimitWouldHoldPastItsLeaseGoesBackToTheQueue() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let kit = DeliveryKit(env: env)
        let first = try await kit.queued(try await kit.resident("880101234", phone: "+97336001234"), channel: .sms)
        let second = try await kit.queued(try await kit.resident("880101235", phone: "+97336001235"), channel: .sms)
        let sms = ScriptedAdapter("gw", [.success("gw-1"), .success("gw-2")])
        // One token every 4 s, and a 4 s lease: a send must start within the first second of its lease.
        let delivery = kit.delivery(.sms, ChannelPools(ProviderPool([.init(adapter: sms, ratePerSecond: 0.25)])), lease: .seconds(4))
        try await delivery.deliver(first.id)
        try await delivery.deliver(second.id)
        #expect(sms.calls == 1)
        let held = try #require(try await kit.notifications.load(second.id))
        #expect(held.notification.status == .queued)
        #expect(held.notification.attempts == 0, "no provider call was made, so no attempt is counted")
        #expect(held.timeline.last?.detail.contains("gw's rate limit") == true, "\(held.timeline.map(\.detail))")
        #expect(try await env.redis.send("ZSCORE", Keys.delayed("sms"), second.id).string != nil, "scheduled to come back")
        // When it comes back and the provider has room, it is sent once and counted once.
        try await Task.sleep(for: .seconds(4))
        try await delivery.deliver(second.id)
        #expect(sms.calls == 2)
        #expect(try await kit.status(second.id) == .sent)
        #expect(try await EventStore(redis: env.redis).load(second.eventId)?.counts[.sent] == 1)
        #expect(try await kit.notifications.load(second.id)?.notification.attempts == 1)
    }
}
