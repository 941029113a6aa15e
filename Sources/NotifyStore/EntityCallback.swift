import Foundation

/// An entity's status callback as configured, with its health.
public struct EntityCallback: Sendable, Equatable {
    public let url: String
    public let secret: String
    public let suspended: Bool
    /// Posts that failed in a row (reset by a success).
    public let consecutiveFailures: Int
    public let lastError: String?
    public let suspendedAt: Date?
}
