import Foundation
import NotifyCore
import Redis

/// The append-only record of every consent change of a resident.
public struct ConsentLedger: Sendable {
    let redis: RedisClient

    public init(redis: RedisClient) { self.redis = redis }

    /// The command that appends `entries` (to batch with the change they record).
    public static func appendCommand(_ cpr: CPR, _ entries: [ConsentEntry]) throws -> RedisCommand? {
        guard !entries.isEmpty else { return nil }
        let lines = try entries.map { String(decoding: try JSONCoding.encoder.encode($0), as: UTF8.self) as any RedisArgument }
        return RedisCommand("RPUSH", [Keys.consents(cpr)] + lines)
    }

    /// Every entry, oldest first.
    public func entries(_ cpr: CPR) async throws -> [ConsentEntry] {
        let reply = try await redis.send("LRANGE", Keys.consents(cpr), 0, -1)
        return (reply.array ?? []).compactMap { v in v.bytes.flatMap { try? JSONCoding.decoder.decode(ConsentEntry.self, from: Data($0)) } }
    }
}
