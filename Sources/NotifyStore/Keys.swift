import NotifyCore

/// Every Redis key NotifyMe writes. One prefix, and one hash tag per unit that a script
/// or transaction touches together, so the same code runs on Redis Cluster.
public enum Keys {
    /// An entity API key, by the SHA-256 of the key.
    public static func entityKey(hash: String) -> String { "nm:{k:\(hash)}" }
    /// All entity key hashes, for `keys list`.
    public static let entityKeyIndex = "nm:{k}:index"

    /// A resident's contact details.
    public static func contact(_ cpr: CPR) -> String { "nm:{r:\(cpr.value)}:contact" }
    /// A resident's subscription choices: field `<category>:<channel>` -> "1"/"0".
    public static func subscriptions(_ cpr: CPR) -> String { "nm:{r:\(cpr.value)}:subscriptions" }
    /// A resident's consent ledger: a list of JSON entries, appended only.
    public static func consents(_ cpr: CPR) -> String { "nm:{r:\(cpr.value)}:consents" }
    /// A resident's devices: `<id>` -> sealed JSON, `hash:<keyed hash of token>` -> id, `at:<id>` -> registration ms (for replacing the oldest).
    public static func devices(_ cpr: CPR) -> String { "nm:{r:\(cpr.value)}:devices" }
    /// A pending verification code for one channel.
    public static func verification(_ cpr: CPR, _ channel: Channel) -> String { "nm:{r:\(cpr.value)}:verify:\(channel.rawValue)" }
    /// The topics a resident subscribed to (names), so erasure can leave them all.
    public static func residentTopics(_ cpr: CPR) -> String { "nm:{r:\(cpr.value)}:topics" }
    /// A resident's notifications, newest by score.
    public static func residentNotifications(_ cpr: CPR) -> String { "nm:{r:\(cpr.value)}:notifications" }

    /// One shard of a topic's members: CPRs with score 0, walked in lexical order so fan-out can resume after the last one.
    /// Shards spread a large topic over a cluster's nodes and let fan-out workers share it.
    public static func topicMembers(_ topic: String, shard: Int) -> String { "nm:{t:\(topic):\(shard)}" }

    /// An event record (status, counts, fan-out cursors); kept after retention so the counts remain.
    public static func event(_ id: String) -> String { "nm:{e:\(id)}" }
    /// The event as published (its data and recipients); expires with the retention.
    public static func eventBody(_ id: String) -> String { "nm:{e:\(id)}:body" }
    /// The texts fan-out rendered for an event, which its records name instead of holding (``EventMessages``).
    public static func eventMessages(_ id: String) -> String { "nm:{e:\(id)}:messages" }
    /// An event's notification ids (score 0, walked in id order so pages never skip or repeat).
    public static func eventNotifications(_ id: String) -> String { "nm:{e:\(id)}:notifications" }
    /// On a cluster, the moves being counted on the event (`<notification id> <mark>`), so a move counted but whose
    /// mark stayed on its record (another node) is not counted again by the repair.
    public static func eventCounting(_ id: String) -> String { "nm:{e:\(id)}:counting" }
    /// An entity's event ids, scored by creation time in ms.
    public static func entityEvents(_ entity: String) -> String { "nm:{en:\(entity)}:events" }
    /// An entity's status callback: URL, sealed secret, state.
    public static func callback(_ entity: String) -> String { "nm:{en:\(entity)}:callback" }
    /// Status changes held while an entity's callback is suspended (a sorted set, by when each was held), sent again when it resumes.
    public static func callbackParked(_ entity: String) -> String { "nm:{en:\(entity)}:callback:held" }

    /// An idempotency reservation for one entity and Idempotency-Key.
    public static func idempotency(entity: String, keyHash: String) -> String { "nm:{i:\(entity):\(keyHash)}" }

    /// A notification record, which holds its timeline.
    public static func notification(_ id: String) -> String { "nm:{n:\(id)}" }
    /// The timeline list of a record made before the record held its lines (same hash tag).
    public static func timeline(_ id: String) -> String { "nm:{n:\(id)}:timeline" }

    /// A work stream partition: `events` or a channel.
    public static func stream(_ queue: String, partition: Int = 0) -> String { "nm:{q:\(queue):\(partition)}:stream" }

    /// Events with a future sendAt, scored by due time in ms, moved onto the events stream when due.
    public static let scheduledEvents = "nm:{q:events:0}:scheduled"

    /// Notification ids waiting for a retry, scored by due time in ms (same hash tag as the stream it feeds).
    public static func delayed(_ queue: String, partition: Int = 0) -> String { "nm:{q:\(queue):\(partition)}:delayed" }
    /// Deliveries that ran out of attempts, with their history, for staff to inspect and replay.
    public static func deadLetters(_ queue: String, partition: Int = 0) -> String { "nm:{q:\(queue):\(partition)}:dead" }

    /// A token bucket (providers' send rates, entity keys' request rates).
    public static func rateLimit(_ name: String) -> String { "nm:{rl:\(name)}" }
    /// Sent notifications waiting for a receipt, scored by when they expire; 16 shards by the id's first hex digit.
    public static func awaitingReceipt(shard: Int) -> String { "nm:{x:\(shard)}" }
    /// A receipt signature already seen (replays inside the window are ignored).
    public static func receiptSeen(provider: String, signatureHash: String) -> String { "nm:{rr:\(provider):\(signatureHash)}" }
    /// The notification a provider's message id belongs to, for delivery receipts; until the id is recorded, a receipt
    /// that came first waits there (see `ProviderMessageIndex`).
    public static func providerMessage(provider: String, messageId: String) -> String { "nm:{pm:\(provider):\(messageId)}" }

    /// The worker processes consuming a partitioned queue: members scored by when their claim lapses (ms).
    public static func queueMembers(_ queue: String) -> String { "nm:{w:\(queue)}:members" }

    /// The staff audit log: a stream, appended only.
    public static let audit = "nm:{audit}:log"
    /// A bulk replay job's state.
    public static func replayJob(_ id: String) -> String { "nm:{j:\(id)}" }
}
