import Foundation
import NotifyCore
import Redis

/// Verification codes: six digits, stored only as a keyed hash bound to the address, with expiry,
/// a cap on wrong tries and a cap on sends per window.
public struct VerificationStore: Sendable {
    /// How a confirmation attempt ended.
    public enum Outcome: String, Sendable {
        case ok, wrong, locked, expired, stale, none
    }

    let redis: RedisClient
    let cipher: FieldCipher
    let lifetime: Int
    let maxTries: Int
    let maxSends: Int
    let window: Int

    public init(redis: RedisClient, cipher: FieldCipher, lifetime: Duration, maxTries: Int, maxSends: Int, window: Duration) {
        self.redis = redis
        self.cipher = cipher
        self.lifetime = Int(lifetime.components.seconds)
        self.maxTries = maxTries
        self.maxSends = maxSends
        self.window = Int(window.components.seconds)
    }

    /// A new code for `address` on `channel`; throws 429 when too many were sent in the window.
    public func issue(_ cpr: CPR, channel: Channel, address: String, now: Date = Date()) async throws -> String {
        var rng = SystemRandomNumberGenerator()
        let code = String(format: "%06d", Int.random(in: 0..<1_000_000, using: &rng))
        let t = Int(now.timeIntervalSince1970)
        let reply = try await redis.evalsha(VerificationScripts.issue, keys: [Keys.verification(cpr, channel)], args: [
            t, window, maxSends, codeHash(code, channel: channel, address: address), cipher.keyedHash(address),
            t + lifetime, max(window, lifetime),
        ])
        guard let r = reply.array, r.count == 2, let issued = r[0].int else { throw StoreError.unexpected("verification issue", reply) }
        guard issued == 1 else {
            throw NotifyError.tooManyRequests("too many codes were sent for \(channel.rawValue); try again later", retryAfter: r[1].int)
        }
        return code
    }

    /// Checks `code` against the pending one for the resident's current `address`.
    public func check(_ cpr: CPR, channel: Channel, address: String, code: String, now: Date = Date()) async throws -> Outcome {
        let reply = try await redis.evalsha(VerificationScripts.check, keys: [Keys.verification(cpr, channel)], args: [
            codeHash(code, channel: channel, address: address), cipher.keyedHash(address), Int(now.timeIntervalSince1970), maxTries,
        ])
        guard let outcome = reply.string.flatMap(Outcome.init(rawValue:)) else { throw StoreError.unexpected("verification check", reply) }
        return outcome
    }

    /// Binding the hash to the channel and address means a code only ever confirms what it was sent to.
    private func codeHash(_ code: String, channel: Channel, address: String) -> String {
        cipher.keyedHash("\(channel.rawValue)\u{0}\(address)\u{0}\(code)")
    }
}
