import Foundation

/// A resident's channel choices per consent category.
///
/// Optional categories are opt-in per channel (the catalogue's defaults until the resident
/// chooses); mandatory ones cannot be switched off entirely, only moved between channels.
public struct Subscriptions: Sendable, Equatable {
    /// Explicit choices: category -> channel -> on/off. Absent means the category's default.
    public var choices: [String: [Channel: Bool]]

    public init(choices: [String: [Channel: Bool]] = [:]) {
        self.choices = choices
    }

    /// Whether `channel` may carry `category` for this resident.
    public func allows(_ category: Category, on channel: Channel) -> Bool {
        choices[category.name]?[channel] ?? (category.mandatory || category.defaultChannels.contains(channel))
    }

    /// The effective on/off for every channel of `category`.
    public func effective(_ category: Category) -> [Channel: Bool] {
        Dictionary(uniqueKeysWithValues: Channel.allCases.map { ($0, allows(category, on: $0)) })
    }

    /// Applies `requested` changes checked against the catalogue; returns the ledger lines for what changed.
    /// Nothing changes when any part is invalid.
    public mutating func apply(_ requested: [String: [Channel: Bool]], catalogue: EventCatalogue, source: ConsentEntry.Source,
                               at date: Date) throws(NotifyError) -> [ConsentEntry] {
        var problems: [FieldError] = []
        var next = self
        var entries: [ConsentEntry] = []
        for (name, channels) in requested.sorted(by: { $0.key < $1.key }) {
            guard let category = catalogue.categories[name] else {
                problems.append(FieldError(field: "categories.\(name.prefix(64))", detail: "is not a known category"))
                continue
            }
            for channel in Channel.allCases {
                guard let on = channels[channel] else { continue }
                if next.allows(category, on: channel) != on {
                    entries.append(ConsentEntry(at: date, category: name, channel: channel, granted: on, source: source))
                }
                next.choices[name, default: [:]][channel] = on
            }
            if category.mandatory && !Channel.allCases.contains(where: { next.allows(category, on: $0) }) {
                problems.append(FieldError(field: "categories.\(name)", detail: "is mandatory: keep at least one channel, it cannot be opted out of"))
            }
        }
        guard problems.isEmpty else { throw .invalid(problems) }
        self = next
        return entries
    }

    /// The ledger lines that record the defaults a new resident starts with.
    public static func defaultGrants(_ catalogue: EventCatalogue, at date: Date) -> [ConsentEntry] {
        catalogue.categories.values.sorted { $0.name < $1.name }.flatMap { category in
            Channel.allCases.filter { category.mandatory || category.defaultChannels.contains($0) }.map {
                ConsentEntry(at: date, category: category.name, channel: $0, granted: true, source: .default)
            }
        }
    }
}
