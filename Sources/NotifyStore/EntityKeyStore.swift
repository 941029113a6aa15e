import Foundation
import NotifyCore
import Redis

/// An entity's API key as stored: only its hash, the entity and its scope.
public struct EntityKey: Sendable, Equatable {
    public let id: String
    public let entity: String
    public let patterns: [EventPattern]
    public let createdAt: Date

    /// Whether the key may publish `type`.
    public func allows(_ type: String) -> Bool { patterns.contains { $0.matches(type) } }
}

/// Entity API keys. The key itself is shown once and never stored; lookups go by its SHA-256.
public struct EntityKeyStore: Sendable {
    let redis: RedisClient

    public init(redis: RedisClient) { self.redis = redis }

    /// Creates a key and returns the secret to hand to the entity, with its record.
    public func create(entity: String, patterns: [EventPattern], now: Date = Date()) async throws -> (secret: String, key: EntityKey) {
        guard Self.isValidEntityName(entity) else {
            throw NotifyError.invalid("entity", "must be 1 to 64 characters of letters, digits, '.', '-' or '_'")
        }
        let secret = Digest.randomID(prefix: "nmk_") + Digest.randomID(prefix: "")
        let hash = Digest.sha256Hex(secret)
        let id = String(hash.prefix(12))
        _ = try await redis.pipeline([
            RedisCommand("HSET", Keys.entityKey(hash: hash),
                         "id", id, "entity", entity,
                         "events", patterns.map(\.text).joined(separator: ","),
                         "createdAt", Int(now.timeIntervalSince1970)),
            RedisCommand("SADD", Keys.entityKeyIndex, hash),
        ])
        return (secret, EntityKey(id: id, entity: entity, patterns: patterns, createdAt: now))
    }

    /// The key record for a presented secret, or nil when unknown or revoked.
    public func find(secret: String) async throws -> EntityKey? {
        guard secret.hasPrefix("nmk_"), secret.utf8.count <= 128 else { return nil }
        let fields = try await redis.send("HGETALL", Keys.entityKey(hash: Digest.sha256Hex(secret))).hash
        return Self.decode(fields)
    }

    static func decode(_ fields: [String: String]) -> EntityKey? {
        guard let id = fields["id"], let entity = fields["entity"], let events = fields["events"],
              let patterns = try? EventPattern.list(events) else { return nil }
        let created = Date(timeIntervalSince1970: TimeInterval(fields["createdAt"].flatMap(Int.init) ?? 0))
        return EntityKey(id: id, entity: entity, patterns: patterns, createdAt: created)
    }

    static func isValidEntityName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64 && name.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "." || $0 == "-" || $0 == "_"
        }
    }
}
