import Foundation
import NotifyCore
import Redis

/// Residents' channel choices per category; every change lands in the consent ledger in the same transaction.
public struct SubscriptionStore: Sendable {
    let redis: RedisClient

    public init(redis: RedisClient) { self.redis = redis }

    public func load(_ cpr: CPR) async throws -> Subscriptions {
        Self.decode(try await redis.send("HGETALL", Keys.subscriptions(cpr)).hash)
    }

    /// Many residents' choices in one round trip, in the order asked.
    public func load(_ cprs: [CPR]) async throws -> [Subscriptions] {
        try await redis.pipeline(cprs.map { RedisCommand("HGETALL", Keys.subscriptions($0)) }).map { Self.decode($0.hash) }
    }

    /// Applies a resident's (or staff's) changes; throws 422 without writing when any part is invalid.
    /// The write is compare-and-set: a concurrent change makes it read again, so the ledger's lines
    /// always describe the moves that really happened, in order.
    public func apply(_ cpr: CPR, _ requested: [String: [Channel: Bool]], catalogue: EventCatalogue, source: ConsentEntry.Source,
                      now: Date = Date()) async throws -> Subscriptions {
        // Each failed attempt means another change succeeded in between, so 50 covers 50 concurrent
        // changes to one resident; past that the caller gets 409 and retries.
        for _ in 0..<50 {
            let raw = try await redis.send("HGETALL", Keys.subscriptions(cpr)).hash
            var subs = Self.decode(raw)
            let entries = try subs.apply(requested, catalogue: catalogue, source: source, at: now)
            var triples: [any RedisArgument] = []
            for (name, channels) in requested.sorted(by: { $0.key < $1.key }) {
                for (channel, on) in channels.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                    let field = "\(name):\(channel.rawValue)"
                    triples += [field, raw[field] ?? "", on ? "1" : "0"]
                }
            }
            guard !triples.isEmpty else { return subs }
            let lines = try entries.map { String(decoding: try JSONCoding.encoder.encode($0), as: UTF8.self) as any RedisArgument }
            let reply = try await redis.evalsha(SubscriptionScripts.apply, keys: [Keys.subscriptions(cpr), Keys.consents(cpr)],
                                                args: [triples.count / 3] + triples + lines)
            if reply.int == 1 { return subs }
            try await Task.sleep(for: .milliseconds(Int.random(in: 1...5)))
        }
        throw NotifyError.conflict("the subscriptions kept changing; try again")
    }

    static func decode(_ f: [String: String]) -> Subscriptions {
        var choices: [String: [Channel: Bool]] = [:]
        for (field, value) in f {
            let parts = field.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let channel = Channel(rawValue: String(parts[1])) else { continue }
            choices[String(parts[0]), default: [:]][channel] = value == "1"
        }
        return Subscriptions(choices: choices)
    }
}
