import ArgumentParser
import Foundation
import NotifyCore
import NotifyStore

/// `notifyme keys ...`: entity API keys.
struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage entity API keys.",
        subcommands: [Create.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API key for an entity and print it (once, alone on stdout).",
            discussion: "Only the key's hash is stored: keep the printed key, it cannot be shown again."
        )

        @Option(help: "The entity's name, e.g. moi.passports (letters, digits, '.', '-', '_').")
        var entity: String

        @Option(help: "Comma-separated event-type patterns the key may publish, e.g. 'passport.*,traffic.fine-issued'.")
        var events: String

        func run() async throws {
            let config = try CLI.loadConfiguration()
            let logger = CLI.bootstrapLogging(level: "warning")
            let patterns: [EventPattern]
            do { patterns = try EventPattern.list(events) } catch { throw CLI.fail("--events: \(error.detail)", code: 64) }
            let secret = try await CLI.withRedis(config, logger: logger) { redis in
                do {
                    return try await EntityKeyStore(redis: redis).create(entity: entity, patterns: patterns).secret
                } catch let error as NotifyError {
                    throw CLI.fail("--\(error.fields.first?.field ?? "entity"): \(error.detail)", code: 64)
                }
            }
            print(secret)
        }
    }
}
