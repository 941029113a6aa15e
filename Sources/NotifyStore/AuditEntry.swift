import Foundation

/// One accountable staff act: a replay, a bulk replay, or a read of a resident's data.
public struct AuditEntry: Sendable, Equatable, Codable {
    /// The stream entry id; set when read back.
    public var id: String?
    public var at: Date
    /// The staff member's id (the token's subject).
    public var staff: String
    public var role: String
    /// `replay`, `bulk-replay` or `read`.
    public var action: String
    /// What was acted on: a notification id, a job id.
    public var target: String
    public var reason: String
    /// What came of it: `replayed`, `refused: ...`, `read`, `started`.
    public var outcome: String

    public init(id: String? = nil, at: Date = Date(), staff: String, role: String, action: String, target: String, reason: String, outcome: String) {
        self.id = id
        self.at = at
        self.staff = staff
        self.role = role
        self.action = action
        self.target = target
        self.reason = reason
        self.outcome = outcome
    }
}
