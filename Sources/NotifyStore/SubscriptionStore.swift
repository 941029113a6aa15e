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
    public func apply(_ cpr: CPR, _ requested: [String: [Channel: Bool]], catalogue: EventCatalogue, source: ConsentEntry.Source,
                      now: Date = Date()) async throws -> Subscriptions {
        var subs = try await load(cpr)
        let entries = try subs.apply(requested, catalogue: catalogue, source: source, at: now)
        var commands: [RedisCommand] = []
        let fields = requested.flatMap { name, channels in
            channels.flatMap { channel, on in ["\(name):\(channel.rawValue)", on ? "1" : "0"] as [any RedisArgument] }
        }
        if !fields.isEmpty { commands.append(RedisCommand("HSET", [Keys.subscriptions(cpr)] + fields)) }
        if let append = try ConsentLedger.appendCommand(cpr, entries) { commands.append(append) }
        if !commands.isEmpty { _ = try await redis.transaction(commands) }
        return subs
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
