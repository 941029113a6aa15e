/// A support staff member, from a verified staff token.
public struct StaffMember: Sendable, Equatable {
    /// The token's subject.
    public let id: String
    public let roles: Set<String>

    public static let knownRoles: Set<String> = ["operator", "auditor"]

    /// Operators replay; auditors only read.
    public var canReplay: Bool { roles.contains("operator") }
    /// The role recorded in the audit log.
    public var role: String { canReplay ? "operator" : "auditor" }
}
