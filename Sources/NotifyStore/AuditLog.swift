import Foundation
import Redis

/// The staff audit log: one stream, appended and never rewritten or trimmed.
public struct AuditLog: Sendable {
    let redis: RedisClient

    public init(redis: RedisClient) { self.redis = redis }

    /// Appends `entry`; returns its id.
    @discardableResult
    public func append(_ entry: AuditEntry) async throws -> String {
        let reply = try await redis.send(RedisCommand("XADD", [
            Keys.audit, "*", "at", Int(entry.at.timeIntervalSince1970 * 1000), "staff", entry.staff, "role", entry.role,
            "action", entry.action, "target", entry.target, "reason", entry.reason, "outcome", entry.outcome,
        ]))
        guard let id = reply.string else { throw StoreError.unexpected("XADD audit", reply) }
        return id
    }

    /// Newest first, `limit` entries older than `cursor` (an entry id); `next` when there may be more.
    public func page(cursor: String? = nil, limit: Int = 50) async throws -> (items: [AuditEntry], next: String?) {
        let start = cursor.map { "(" + $0 } ?? "+"
        let reply = try await redis.send("XREVRANGE", Keys.audit, start, "-", "COUNT", limit)
        let items = WorkQueue.entries(reply).map { e in
            AuditEntry(id: e.id, at: Date(timeIntervalSince1970: Double(e.fields["at"].flatMap(Int.init) ?? 0) / 1000),
                       staff: e.fields["staff"] ?? "", role: e.fields["role"] ?? "", action: e.fields["action"] ?? "",
                       target: e.fields["target"] ?? "", reason: e.fields["reason"] ?? "", outcome: e.fields["outcome"] ?? "")
        }
        return (items, items.count == limit ? items.last?.id : nil)
    }

    /// A stream entry id Redis takes as an exclusive bound: two 64-bit numbers, above 0-0 (nothing lies below it).
    public static func isCursor(_ cursor: String) -> Bool {
        let parts = cursor.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let ms = UInt64(parts[0]), let seq = UInt64(parts[1]) else { return false }
        return ms > 0 || seq > 0
    }
}
