import Foundation
import NotifyCore

/// An entity's API key as stored: only its hash, the entity and its scope.
public struct EntityKey: Sendable, Equatable {
    public let id: String
    public let entity: String
    public let patterns: [EventPattern]
    /// Requests per second for this key; nil: the configured default.
    public let rate: Double?
    public let createdAt: Date
    public let revokedAt: Date?

    /// Whether the key may publish `type`.
    public func allows(_ type: String) -> Bool { patterns.contains { $0.matches(type) } }
}
