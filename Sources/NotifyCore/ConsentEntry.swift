import struct Foundation.Date

/// One line of a resident's consent ledger. Appended, never rewritten.
public struct ConsentEntry: Sendable, Equatable, Codable {
    /// Who caused the change.
    public enum Source: String, Sendable, Codable, CaseIterable {
        case resident, `default`, staff, erasure
    }

    public var at: Date
    public var category: String
    /// The channel, or nil for a change that covers every channel (erasure).
    public var channel: Channel?
    public var granted: Bool
    public var source: Source
    /// Staff id for staff changes; nil otherwise.
    public var actor: String?

    public init(at: Date, category: String, channel: Channel?, granted: Bool, source: Source, actor: String? = nil) {
        self.at = at
        self.category = category
        self.channel = channel
        self.granted = granted
        self.source = source
        self.actor = actor
    }
}
