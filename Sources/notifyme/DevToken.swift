import ArgumentParser
import Foundation
import NotifyAPI
import NotifyCore

/// `notifyme dev-token`: a resident token signed with the local development key.
struct DevToken: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev-token",
        abstract: "Print a development identity token for a resident (alone on stdout).",
        discussion: "Works only when identity.development is true: production trusts the identity provider's keys only."
    )

    @Option(help: "The resident's CPR number (9 digits).")
    var cpr: String

    @Option(help: "Lifetime in hours.")
    var hours: Int = 12

    func run() async throws {
        let config = try CLI.loadConfiguration()
        guard config.identity.development else {
            throw CLI.fail("identity.development is false: this configuration trusts no development key", code: 78)
        }
        guard (try? CPR(cpr)) != nil else { throw CLI.fail("--cpr must be exactly 9 digits", code: 64) }
        guard (1...720).contains(hours) else { throw CLI.fail("--hours must be from 1 to 720", code: 64) }
        let key = try DevIdentityKey.loadOrCreate(path: config.devKeyPath)
        let token = try await DevIdentityKey.sign(subject: cpr, key: key, issuer: config.identity.issuer,
                                                  audience: config.identity.audience, lifetime: TimeInterval(hours * 3600))
        print(token)
    }
}
