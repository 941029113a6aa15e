import Foundation
import NotifyCore
import NotifyStore
import ProviderSim
import Redis

/// How far a chaos run has got: residents the providers received a message for, emails, and dead letters.
/// Read from the simulators, so it keeps counting while Redis is down (dead letters then keep their last value).
final class ChaosProgress: @unchecked Sendable {
    // @unchecked: `deadLetters` is only read or written while holding `lock`.
    private let lock = NSLock()
    private var deadLetters = 0
    private let sim: ProviderSimulator
    private let smtp: SMTPSimulator
    private let redis: RedisClient
    private let total: Int

    init(sim: ProviderSimulator, smtp: SMTPSimulator, redis: RedisClient, total: Int) {
        self.sim = sim
        self.smtp = smtp
        self.redis = redis
        self.total = total
    }

    /// Settled notifications as a share of all (0...1, or more if a resident got two).
    func share() async -> Double {
        let sms = (try? sim.counts(provider: "gateway").count) ?? 0
        let push = (try? sim.counts(provider: "fcm").count) ?? 0
        let smtpCounts = smtp.counts
        let email = smtpCounts.accepted - smtpCounts.duplicates
        if let replies = try? await redis.pipeline(Channel.allCases.map { RedisCommand("XLEN", NotifyStore.Keys.deadLetters($0.rawValue)) }) {
            let dead = replies.compactMap(\.int).reduce(0, +)
            lock.withLock { deadLetters = dead }
        }
        let dead = lock.withLock { deadLetters }
        return Double(sms + push + email + dead) / Double(max(1, total))
    }
}
