import Foundation
import NotifyCore
import Redis

/// Residents' contact details, one hash per resident under the resident's hash tag.
/// Name, phone and email are sealed with the field cipher; their keyed hashes tell a change without decrypting.
public struct ContactStore: Sendable {
    let redis: RedisClient
    let cipher: FieldCipher

    public init(redis: RedisClient, cipher: FieldCipher) {
        self.redis = redis
        self.cipher = cipher
    }

    /// The commands that write the whole contact record (for callers that batch them with other writes).
    public func saveCommands(_ contact: Contact, now: Date) throws -> [RedisCommand] {
        let key = Keys.contact(contact.cpr)
        var fields: [any RedisArgument] = [
            "language", contact.language.rawValue,
            "verified", contact.verified.map(\.rawValue).sorted().joined(separator: ","),
            "updatedAt", Int(now.timeIntervalSince1970),
        ]
        // A tombstone from an earlier erasure goes when the resident registers again.
        var removed: [any RedisArgument] = ["erasedAt"]
        let values: [(String, String?)] = [("name", contact.name), ("phone", contact.phone?.e164), ("email", contact.email?.value)]
        for (field, value) in values {
            if let value {
                fields += [field, try cipher.seal(value), "\(field)Hash", cipher.keyedHash(value)]
            } else {
                removed += [field, "\(field)Hash"]
            }
        }
        if let q = contact.quietHours {
            fields += ["quietStart", q.startText, "quietEnd", q.endText, "timeZone", q.timeZone]
        } else {
            removed += ["quietStart", "quietEnd", "timeZone"]
        }
        var commands = [RedisCommand("HSET", [key] + fields)]
        if !removed.isEmpty { commands.append(RedisCommand("HDEL", [key] + removed)) }
        return commands
    }

    /// Writes the whole contact record.
    public func save(_ contact: Contact, now: Date = Date()) async throws {
        _ = try await redis.transaction(try saveCommands(contact, now: now))
    }

    /// The resident's contact, or nil when they never registered (or erased their data).
    public func load(_ cpr: CPR) async throws -> Contact? {
        try decode(cpr: cpr, try await redis.send("HGETALL", Keys.contact(cpr)).hash)
    }

    /// Many residents' contacts in one round trip, in the order asked. With `channel`, only what a send on it reads
    /// (its address, language, verified channels, quiet hours): one decryption per contact instead of three, and not
    /// for choosing another channel.
    public func load(_ cprs: [CPR], for channel: Channel? = nil) async throws -> [Contact?] {
        let replies = try await redis.pipeline(cprs.map { RedisCommand("HGETALL", Keys.contact($0)) })
        let opening: Set<String> = switch channel {
        case nil: ["name", "phone", "email"]
        case .sms: ["phone"]
        case .email: ["email"]
        default: []
        }
        return try zip(cprs, replies).map { try decode(cpr: $0, $1.hash, opening: opening) }
    }

    /// Many residents' contacts for fan-out, telling an erased resident from one never registered. Nothing is decrypted:
    /// a sealed address counts as there (it was checked when registered; a send that cannot open it fails then).
    public func lookup(_ cprs: [CPR]) async throws -> [ContactLookup] {
        let replies = try await redis.pipeline(cprs.map { RedisCommand("HGETALL", Keys.contact($0)) })
        return replies.map { reply in
            let f = reply.hash
            if let reach = Self.reach(f) { return .found(reach) }
            return f["erasedAt"] != nil ? .erased : .unknown
        }
    }

    /// The contact in `f` as channel choice reads it, or nil when there is none.
    static func reach(_ f: [String: String]) -> ContactReach? {
        guard !f.isEmpty, let language = f["language"].flatMap(Language.init(rawValue:)) else { return nil }
        var verified = Set<Channel>()
        for name in (f["verified"] ?? "").split(separator: ",") { if let c = Channel(rawValue: String(name)) { verified.insert(c) } }
        var addressed = Set<Channel>()
        if f["phone"] != nil { addressed.insert(.sms) }
        if f["email"] != nil { addressed.insert(.email) }
        var quiet: QuietHours?
        if let s = f["quietStart"], let e = f["quietEnd"] { quiet = try? QuietHours(start: s, end: e, timeZone: f["timeZone"]) }
        return ContactReach(addressed: addressed, verified: verified, language: language, quietHours: quiet)
    }

    /// The contact in `f`, with only the sealed fields in `opening` decrypted (all of them by default).
    func decode(cpr: CPR, _ f: [String: String], opening: Set<String> = ["name", "phone", "email"]) throws -> Contact? {
        guard let reach = Self.reach(f) else { return nil }
        func open(_ field: String) throws -> String? {
            guard opening.contains(field), let sealed = f[field] else { return nil }
            do { return try cipher.open(sealed) } catch {
                throw StoreError.corrupt(Keys.contact(cpr), "\(field) cannot be decrypted with the configured key")
            }
        }
        return Contact(
            cpr: cpr,
            name: try open("name"),
            phone: try open("phone").flatMap { try? PhoneNumber($0) },
            email: try open("email").flatMap { try? EmailAddress($0) },
            language: reach.language,
            verified: reach.verified,
            quietHours: reach.quietHours
        )
    }
}
