/// One provider's recent outcomes in one process, and the share of traffic it has earned.
///
/// Closed (healthy): full share. Past `threshold` failures within the sliding `window` (with at least
/// `minimumRequests` outcomes) it trips: no share for `cooldown`, then a small probe share. A probe that
/// succeeds starts the recovery, where the share grows linearly back to full over `recovery`.
struct ProviderHealth: Sendable {
    struct Settings: Sendable, Equatable {
        var window: Duration = .seconds(30)
        var threshold: Double = 0.5
        var minimumRequests: Int = 10
        var cooldown: Duration = .seconds(10)
        var recovery: Duration = .seconds(60)
        /// The share a tripped provider gets after its cooldown, so that its recovery is noticed.
        var probeShare: Double = 0.05
    }

    let settings: Settings
    /// Outcomes per whole second: (second, successes, failures), oldest first.
    private var buckets: [(second: Int64, ok: Int, failed: Int)] = []
    private var trippedAt: Double?
    private var recoveringSince: Double?

    init(settings: Settings) { self.settings = settings }

    /// Records one outcome at `now` (seconds on a monotonic clock).
    mutating func record(success: Bool, now: Double) {
        let second = Int64(now.rounded(.down))
        buckets.removeAll { Double($0.second) <= now - Self.seconds(settings.window) }
        if let last = buckets.last, last.second == second {
            buckets[buckets.count - 1] = (second, last.ok + (success ? 1 : 0), last.failed + (success ? 0 : 1))
        } else {
            buckets.append((second, success ? 1 : 0, success ? 0 : 1))
        }
        if trippedAt != nil {
            if success {
                trippedAt = nil
                recoveringSince = now
                buckets.removeAll()
            } else {
                trippedAt = now
            }
            return
        }
        let failed = buckets.reduce(0) { $0 + $1.failed }
        let total = buckets.reduce(0) { $0 + $1.ok + $1.failed } 
        if total >= settings.minimumRequests && Double(failed) / Double(total) >= settings.threshold {
            trippedAt = now
            recoveringSince = nil
        }
    }

    /// The fraction of this provider's configured weight it gets now, from 0 to 1.
    func share(now: Double) -> Double {
        if let trippedAt {
            return now - trippedAt < Self.seconds(settings.cooldown) ? 0 : settings.probeShare
        }
        if let recoveringSince {
            let progress = (now - recoveringSince) / max(Self.seconds(settings.recovery), 0.001)
            return min(1, max(settings.probeShare, progress))
        }
        return 1
    }

    var isTripped: Bool { trippedAt != nil }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
