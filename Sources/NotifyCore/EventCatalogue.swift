/// A consent category: mandatory ones cannot be opted out of, optional ones are opt-in per channel.
public struct Category: Sendable, Hashable {
    public let name: String
    public let mandatory: Bool
    /// For optional categories: the channels a resident is subscribed to until they choose.
    public let defaultChannels: Set<Channel>

    public init(name: String, mandatory: Bool, defaultChannels: Set<Channel> = []) {
        self.name = name
        self.mandatory = mandatory
        self.defaultChannels = defaultChannels
    }
}

/// What the catalogue says about one event type.
public struct EventDefinition: Sendable, Hashable {
    public let type: String
    public let category: String
    /// Channels in order of preference.
    public let channels: [Channel]
    /// Whether a permanent failure on one channel may fall back to the next.
    public let fallback: Bool
    public let priority: Priority
    /// Whether the type may be published to a topic rather than a CPR list.
    public let topics: Bool
    public let description: String

    public init(type: String, category: String, channels: [Channel], fallback: Bool, priority: Priority, topics: Bool, description: String = "") {
        self.type = type
        self.category = category
        self.channels = channels
        self.fallback = fallback
        self.priority = priority
        self.topics = topics
        self.description = description
    }
}

/// The event types NotifyMe knows and their consent categories.
public struct EventCatalogue: Sendable {
    /// NotifyMe's own event for contact verification codes; the only one that may reach an unverified address.
    public static let verificationCodeType = "verification.code"

    public let categories: [String: Category]
    public let events: [String: EventDefinition]
    /// The broadcast lists residents may subscribe to and entities may publish to.
    public let topics: [String: Topic]

    /// Builds a catalogue, checking that every event names a known category and at least one channel.
    public init(categories: [Category], events: [EventDefinition], topics: [Topic] = []) throws(NotifyError) {
        var cats: [String: Category] = [:]
        for c in categories { cats[c.name] = c }
        var evs: [String: EventDefinition] = [:]
        for e in events {
            guard cats[e.category] != nil else { throw .invalid("events.\(e.type).category", "unknown category '\(e.category)'") }
            guard !e.channels.isEmpty else { throw .invalid("events.\(e.type).channels", "must list at least one channel") }
            guard evs[e.type] == nil else { throw .invalid("events.\(e.type)", "is defined twice") }
            evs[e.type] = e
        }
        self.categories = cats
        self.events = evs
        self.topics = Dictionary(topics.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The definition of `type`, or a validation error naming the `type` field.
    public func definition(of type: String) throws(NotifyError) -> EventDefinition {
        guard let def = events[type] else { throw .invalid("type", "unknown event type '\(type.prefix(64))'") }
        return def
    }

    public func category(of definition: EventDefinition) -> Category {
        categories[definition.category] ?? Category(name: definition.category, mandatory: false)
    }
}
