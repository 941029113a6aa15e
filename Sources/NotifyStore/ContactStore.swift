import Foundation
import NotifyCore
import Redis

/// Residents' contact details, one hash per resident under the resident's hash tag.
public struct ContactStore: Sendable {
    let redis: RedisClient

    public init(redis: RedisClient) { self.redis = redis }

    /// Writes the whole contact record.
    public func save(_ contact: Contact, now: Date = Date()) async throws {
        let key = Keys.contact(contact.cpr)
        var fields: [any RedisArgument] = [
            "language", contact.language.rawValue,
            "verified", contact.verified.map(\.rawValue).sorted().joined(separator: ","),
            "updatedAt", Int(now.timeIntervalSince1970),
        ]
        var removed: [any RedisArgument] = []
        for (field, value) in [("name", contact.name), ("phone", contact.phone?.e164), ("email", contact.email?.value)] {
            if let value { fields += [field, value] } else { removed.append(field) }
        }
        var commands = [RedisCommand("HSET", [key] + fields)]
        if !removed.isEmpty { commands.append(RedisCommand("HDEL", [key] + removed)) }
        _ = try await redis.transaction(commands)
    }

    /// The resident's contact, or nil when they never registered.
    public func load(_ cpr: CPR) async throws -> Contact? {
        Self.decode(cpr: cpr, try await redis.send("HGETALL", Keys.contact(cpr)).hash)
    }

    /// Many residents' contacts in one round trip, in the order asked.
    public func load(_ cprs: [CPR]) async throws -> [Contact?] {
        let replies = try await redis.pipeline(cprs.map { RedisCommand("HGETALL", Keys.contact($0)) })
        return zip(cprs, replies).map { Self.decode(cpr: $0, $1.hash) }
    }

    static func decode(cpr: CPR, _ f: [String: String]) -> Contact? {
        guard !f.isEmpty, let language = f["language"].flatMap(Language.init(rawValue:)) else { return nil }
        let verified = Set((f["verified"] ?? "").split(separator: ",").compactMap { Channel(rawValue: String($0)) })
        return Contact(
            cpr: cpr,
            name: f["name"],
            phone: f["phone"].flatMap { try? PhoneNumber($0) },
            email: f["email"].flatMap { try? EmailAddress($0) },
            language: language,
            verified: verified
        )
    }
}
