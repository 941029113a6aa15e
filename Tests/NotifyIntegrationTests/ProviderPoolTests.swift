import Testing
@testable import NotifyWorkers

/// Weighted choice and failover between providers of one channel.
struct ProviderPoolTests {
    let settings = ProviderHealth.Settings(window: .seconds(10), threshold: 0.5, minimumRequests: 4, cooldown: .seconds(5),
                                           recovery: .seconds(20), probeShare: 0.05)

    @Test func weightsShareTheTraffic() {
        let pool = ProviderPool([.init(adapter: ScriptedAdapter("a"), weight: 3), .init(adapter: ScriptedAdapter("b"), weight: 1)])
        var counts: [String: Int] = [:]
        for i in 0..<1000 { counts[pool.pick(random: Double(i) / 1000).name, default: 0] += 1 }
        #expect(counts["a"] == 750)
        #expect(counts["b"] == 250)
    }

    @Test func aFailingProviderTripsThenIsProbedThenRecoversGradually() {
        var h = ProviderHealth(settings: settings)
        for t in 0..<3 { h.record(success: false, now: Double(t)) }
        #expect(h.share(now: 3) == 1)  // below the minimum number of outcomes
        h.record(success: false, now: 3)
        #expect(h.isTripped)
        #expect(h.share(now: 4) == 0)
        #expect(h.share(now: 9) == 0.05)  // cooldown over: probe traffic only
        h.record(success: false, now: 9)  // the probe failed: cool down again
        #expect(h.share(now: 12) == 0)
        h.record(success: true, now: 15)  // a probe succeeded: recovery starts
        #expect(!h.isTripped)
        #expect(abs(h.share(now: 25) - 0.5) < 0.001)
        #expect(h.share(now: 35) == 1)
    }

    @Test func successesKeepAProviderHealthy() {
        var h = ProviderHealth(settings: settings)
        for t in 0..<20 { h.record(success: t % 4 != 0, now: Double(t) / 2) }
        #expect(!h.isTripped)
        #expect(h.share(now: 10) == 1)
    }

    @Test func outcomesOutsideTheWindowAreForgotten() {
        var h = ProviderHealth(settings: settings)
        for t in 0..<3 { h.record(success: false, now: Double(t)) }
        h.record(success: false, now: 30)  // the first three are out of the 10 s window
        #expect(!h.isTripped)
    }

    @Test func aTrippedProviderLosesItsShareToTheOthers() {
        let a = ScriptedAdapter("a"), b = ScriptedAdapter("b")
        let pool = ProviderPool([.init(adapter: a), .init(adapter: b)],
                                failover: FailoverSettings(window: .seconds(10), threshold: 0.5, minimumRequests: 4, cooldown: .seconds(60)))
        for _ in 0..<4 { pool.record("a", success: false) }
        #expect(pool.isTripped("a"))
        #expect(pool.currentWeights() == [0, 1])
        for i in 0..<100 { #expect(pool.pick(random: Double(i) / 100).name == "b") }
    }

    @Test func whenEveryProviderIsTrippedWeightsAloneDecide() {
        let pool = ProviderPool([.init(adapter: ScriptedAdapter("a"))], failover: FailoverSettings(minimumRequests: 1, cooldown: .seconds(60)))
        pool.record("a", success: false)
        #expect(pool.isTripped("a"))
        #expect(pool.pick(random: 0.5).name == "a")
    }
}
