import Redis

/// Maps a provider's message id to the notification it carried, so a delivery receipt finds its notification.
///
/// A receipt can beat the worker that records the mapping (a fast provider, a slow or redirected Redis write): it is
/// then kept in the mapping's key, and the worker's write of the mapping returns it.
public struct ProviderMessageIndex: Sendable {
    let redis: RedisClient
    /// Receipts later than this are not expected; the mapping then expires.
    let lifetime: Duration
    /// How long a receipt waits for its message id to be recorded.
    let receiptWait: Duration

    public init(redis: RedisClient, lifetime: Duration = .seconds(7 * 86400), receiptWait: Duration = .seconds(3600)) {
        self.redis = redis
        self.lifetime = lifetime
        self.receiptWait = receiptWait
    }

    /// Records the mapping; returns a receipt that came before it (`"<status> <detail>"`), if one did.
    @discardableResult
    public func record(provider: String, messageId: String, notificationId: String) async throws -> String? {
        Self.earlyReceipt(try await redis.send(recordCommand(provider: provider, messageId: messageId, notificationId: notificationId)))
    }

    /// ``record(provider:messageId:notificationId:)`` as one command, to pipeline with what follows an acceptance: the
    /// mapping is written over the key's value, which it returns (`SET ... GET`), and ``earlyReceipt(_:)`` reads a receipt
    /// that waited there. No script is needed: the lookup is one, so a receipt's lookup runs before the mapping (and
    /// keeps the receipt in the key, which the mapping's write returns) or after it (and finds the mapping).
    public func recordCommand(provider: String, messageId: String, notificationId: String) -> RedisCommand {
        RedisCommand("SET", Keys.providerMessage(provider: provider, messageId: messageId), notificationId,
                     "EX", Int(lifetime.components.seconds), "GET")
    }

    /// The receipt (`"<status> <detail>"`) that waited in the key ``recordCommand(provider:messageId:notificationId:)``
    /// wrote, from its reply; nil when none did.
    public static func earlyReceipt(_ reply: RedisValue) -> String? {
        guard let value = reply.string, value.hasPrefix(earlyPrefix) else { return nil }
        return String(value.dropFirst(earlyPrefix.count))
    }

    /// What marks a key's value as a receipt waiting for its mapping (a mapping's value is a notification id, `ntf_...`).
    static let earlyPrefix = "receipt "

    /// For each receipt, in the order given: the notification id; or, for a message id not recorded (yet), nil, with the
    /// receipt (`orKeep`) kept in the mapping's key for the worker that records it. A message id never recorded (expired,
    /// or another system's) lets the receipt lapse. One round trip of plain reads when every mapping is there (the common
    /// case: a receipt follows its send); the script, which keeps a receipt atomically, runs for the others only.
    public func notifications(provider: String, _ receipts: [(messageId: String, orKeep: String)]) async throws -> [String?] {
        let keys = receipts.map { Keys.providerMessage(provider: provider, messageId: $0.messageId) }
        var found: [String?] = try await redis.pipeline(keys.map { RedisCommand("GET", $0) }).map { reply in
            if case .error = reply { throw StoreError.unexpected("receipt lookup", reply) }
            return Self.notificationId(reply.string)
        }
        let missing = found.indices.filter { found[$0] == nil }
        guard !missing.isEmpty else { return found }
        let calls = missing.map { i in
            (keys: [keys[i]], args: [Self.earlyPrefix + receipts[i].orKeep, Int(receiptWait.components.seconds)] as [any RedisArgument])
        }
        for (i, reply) in zip(missing, try await redis.evalshaPipeline(Self.lookupScript, calls: calls)) {
            if case .error = reply { throw StoreError.unexpected("receipt lookup", reply) }
            found[i] = reply.string
        }
        return found
    }

    /// The notification id, or nil for an unknown (or expired) message id, or one whose receipt waits for it.
    public func notification(provider: String, messageId: String) async throws -> String? {
        Self.notificationId(try await redis.send("GET", Keys.providerMessage(provider: provider, messageId: messageId)).string)
    }

    /// The notification id a mapping's key holds; nil when it holds a receipt waiting for the mapping, or nothing.
    private static func notificationId(_ value: String?) -> String? {
        value.flatMap { $0.hasPrefix(earlyPrefix) ? nil : $0 }
    }

    /// KEYS: the mapping. ARGV: the receipt to keep (prefixed), how long to keep it. Returns the notification id, or
    /// false after keeping the receipt (over an earlier one still waiting).
    static let lookupScript = RedisScript("""
    local id = redis.call('GET', KEYS[1])
    if id and string.sub(id, 1, \(earlyPrefix.utf8.count)) ~= '\(earlyPrefix)' then return id end
    redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[2]))
    return false
    """)
}
