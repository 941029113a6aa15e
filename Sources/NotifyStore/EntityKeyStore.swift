import Foundation
import NotifyCore
import Redis

/// Entity API keys. The key itself is shown once and never stored; lookups go by its SHA-256.
public struct EntityKeyStore: Sendable {
    let redis: RedisClient

    public init(redis: RedisClient) { self.redis = redis }

    /// Creates a key and returns the secret to hand to the entity, with its record.
    public func create(entity: String, patterns: [EventPattern], rate: Double? = nil, now: Date = Date()) async throws -> (secret: String, key: EntityKey) {
        guard Self.isValidEntityName(entity) else {
            throw NotifyError.invalid("entity", "must be 1 to 64 characters of letters, digits, '.', '-' or '_'")
        }
        if let rate, !(rate > 0 && rate <= 1_000_000) { throw NotifyError.invalid("rate", "must be more than 0 and at most 1000000 per second") }
        let secret = Digest.randomID(prefix: "nmk_") + Digest.randomID(prefix: "")
        let hash = Digest.sha256Hex(secret)
        let id = String(hash.prefix(12))
        var fields: [any RedisArgument] = ["id", id, "entity", entity, "events", patterns.map(\.text).joined(separator: ","),
                                           "createdAt", Int(now.timeIntervalSince1970)]
        if let rate { fields += ["rate", String(rate)] }
        _ = try await redis.pipeline([
            RedisCommand("HSET", [Keys.entityKey(hash: hash)] + fields),
            RedisCommand("SADD", Keys.entityKeyIndex, hash),
        ])
        return (secret, EntityKey(id: id, entity: entity, patterns: patterns, rate: rate, createdAt: now, revokedAt: nil))
    }

    /// The key record for a presented secret, or nil when unknown or revoked.
    public func find(secret: String) async throws -> EntityKey? {
        guard secret.hasPrefix("nmk_"), secret.utf8.count <= 128 else { return nil }
        let key = Self.decode(try await redis.send("HGETALL", Keys.entityKey(hash: Digest.sha256Hex(secret))).hash)
        return key?.revokedAt == nil ? key : nil
    }

    /// Every key, revoked ones included, oldest first.
    public func list() async throws -> [EntityKey] {
        let hashes = (try await redis.send("SMEMBERS", Keys.entityKeyIndex).array ?? []).compactMap(\.string)
        let records = try await redis.pipeline(hashes.map { RedisCommand("HGETALL", Keys.entityKey(hash: $0)) })
        return records.compactMap { Self.decode($0.hash) }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// Revokes the key with this id (as `list` shows it); it stops working at once. False when no such key.
    public func revoke(id: String, now: Date = Date()) async throws -> Bool {
        guard id.utf8.count == 12 else { return false }
        let hashes = (try await redis.send("SMEMBERS", Keys.entityKeyIndex).array ?? []).compactMap(\.string)
        guard let hash = hashes.first(where: { $0.hasPrefix(id) }) else { return false }
        _ = try await redis.send("HSET", Keys.entityKey(hash: hash), "revokedAt", Int(now.timeIntervalSince1970))
        return true
    }

    static func decode(_ fields: [String: String]) -> EntityKey? {
        guard let id = fields["id"], let entity = fields["entity"], let events = fields["events"],
              let patterns = try? EventPattern.list(events) else { return nil }
        func date(_ name: String) -> Date? { fields[name].flatMap(Int.init).map { Date(timeIntervalSince1970: TimeInterval($0)) } }
        return EntityKey(id: id, entity: entity, patterns: patterns, rate: fields["rate"].flatMap(Double.init),
                         createdAt: date("createdAt") ?? Date(timeIntervalSince1970: 0), revokedAt: date("revokedAt"))
    }

    static func isValidEntityName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64 && name.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "." || $0 == "-" || $0 == "_"
        }
    }
}
