import NotifyCore
import Redis
import Synchronization

/// The texts fan-out rendered for an event, kept once under the event rather than in each of its records. A record
/// names its text (field `msg`) and reading the record fills the text back in. Every resident who reads one language on
/// one channel gets the same text, so a record is smaller by its text (an SMS's tens to hundreds of bytes, an email's
/// subject, body and HTML): less to pass through the creation script, to write to the append-only file and to keep,
/// and less for every move to read past and rewrite (a move on an email record measured 16.2 µs of Redis with its text,
/// 11.6 without).
public struct EventMessages: Sendable {
    let redis: RedisClient

    public init(redis: RedisClient) {
        self.redis = redis
    }

    /// One text of one event.
    public struct Name: Sendable, Hashable {
        public let eventId: String
        public let reference: String
    }

    /// What a record calls its text: language, channel and a digest of the text, so a text rendered differently later
    /// (templates changed in the middle of a fan-out) gets a name of its own and never replaces one already named.
    public static func reference(language: Language, channel: Channel, message: RenderedMessage) -> String {
        let digest = Digest.sha256Hex("\(message.subject ?? "")\0\(message.body)\0\(message.html ?? "")").prefix(16)
        return "\(language.rawValue):\(channel.rawValue):\(digest)"
    }

    /// Writes `texts` (by reference) under the event, kept `seconds`: the same write again changes nothing, so a batch
    /// done again writes them again harmlessly, and each batch pushes the expiry past its own records'.
    public static func writeCommands(eventId: String, _ texts: [String: RenderedMessage], seconds: Int) -> [RedisCommand] {
        var set = RedisCommand("HSET", Keys.eventMessages(eventId))
        for (reference, message) in texts.sorted(by: { $0.key < $1.key }) {
            set.append("\(reference):b")
            set.append(message.body)
            if let subject = message.subject {
                set.append("\(reference):s")
                set.append(subject)
            }
            if let html = message.html {
                set.append("\(reference):h")
                set.append(html)
            }
        }
        return [set, RedisCommand("EXPIRE", Keys.eventMessages(eventId), seconds)]
    }

    /// The texts named, from this process's memory when read before (a name always means the same text); one missing
    /// from Redis is missing from the answer.
    public func read(_ names: Set<Name>) async throws -> [Name: RenderedMessage] {
        var found: [Name: RenderedMessage] = [:]
        var missing: [Name] = []
        Self.cache.withLock { cache in
            for name in names {
                if let text = cache[name] { found[name] = text } else { missing.append(name) }
            }
        }
        guard !missing.isEmpty else { return found }
        let replies = try await redis.pipeline(missing.map { name in
            RedisCommand("HMGET", Keys.eventMessages(name.eventId), "\(name.reference):b", "\(name.reference):s", "\(name.reference):h")
        })
        var read: [Name: RenderedMessage] = [:]
        for (name, reply) in zip(missing, replies) {
            let parts = reply.array ?? []
            guard parts.count == 3, let body = parts[0].string else { continue }
            read[name] = RenderedMessage(subject: parts[1].string.flatMap { $0.isEmpty ? nil : $0 }, body: body,
                                         html: parts[2].string.flatMap { $0.isEmpty ? nil : $0 })
        }
        Self.cache.withLock { cache in
            // Bounded by forgetting everything now and then: an alert's few texts are read again at once.
            if cache.count + read.count > Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache.merge(read) { _, new in new }
        }
        return found.merging(read) { _, new in new }
    }

    private static let cacheLimit = 1024
    private static let cache = Mutex<[Name: RenderedMessage]>([:])
}
