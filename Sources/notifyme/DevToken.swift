import ArgumentParser
import Foundation
import NotifyAPI
import NotifyCore

/// `notifyme dev-token`: a resident or staff token signed with the local development key.
struct DevToken: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev-token",
        abstract: "Print a development identity token for a resident or a staff member (alone on stdout).",
        discussion: """
        Works only when identity.development is true: production trusts the identity
        provider's keys only.
        A resident token:  notifyme dev-token --cpr 880101234
        A staff token:     notifyme dev-token --staff s.ali --role operator
                           (operator replays; auditor only reads)
        """
    )

    @Option(help: "The resident's CPR number (9 digits).")
    var cpr: String?

    @Option(help: "A staff member's id, for a staff token (with --role).")
    var staff: String?

    @Option(help: "The staff role: operator or auditor.")
    var role: String?

    @Option(help: "Lifetime in hours.")
    var hours: Int = 12

    func run() async throws {
        let config = try CLI.loadConfiguration()
        guard config.identity.development else {
            throw CLI.fail("identity.development is false: this configuration trusts no development key", code: 78)
        }
        let (subject, roles) = try subjectAndRoles()
        guard (1...720).contains(hours) else { throw CLI.fail("--hours must be from 1 to 720", code: 64) }
        let key = try DevIdentityKey.loadOrCreate(path: config.devKeyPath)
        let token = try await DevIdentityKey.sign(subject: subject, roles: roles, key: key, issuer: config.identity.issuer,
                                                  audience: config.identity.audience, lifetime: TimeInterval(hours * 3600))
        print(token)
    }

    /// A resident's CPR, or a staff id with its role; exactly one of the two.
    private func subjectAndRoles() throws -> (String, [String]?) {
        switch (cpr, staff) {
        case (let cpr?, nil):
            guard role == nil else { throw CLI.fail("--role goes with --staff, not --cpr", code: 64) }
            guard (try? CPR(cpr)) != nil else { throw CLI.fail("--cpr must be exactly 9 digits", code: 64) }
            return (cpr, nil)
        case (nil, let staff?):
            guard !staff.isEmpty, staff.count <= 128 else { throw CLI.fail("--staff must be 1 to 128 characters", code: 64) }
            guard let role, StaffMember.knownRoles.contains(role) else { throw CLI.fail("--staff needs --role operator or --role auditor", code: 64) }
            return (staff, [role])
        default:
            throw CLI.fail("give either --cpr (a resident) or --staff with --role (support staff)", code: 64)
        }
    }
}
