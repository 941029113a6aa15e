import ArgumentParser
import Foundation
import NotifyCore
import NotifyStore

/// `notifyme keys ...`: entity API keys.
struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage entity API keys.",
        subcommands: [Create.self, List.self, Revoke.self]
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

        @Option(help: "Requests per second this key may make (default: publishing.rate in the configuration).")
        var rate: Double?

        func run() async throws {
            let config = try CLI.loadConfiguration()
            let logger = CLI.bootstrapLogging(level: "warning", format: .text)
            let patterns: [EventPattern]
            do { patterns = try EventPattern.list(events) } catch { throw CLI.fail("--events: \(error.detail)", code: 64) }
            let secret = try await CLI.withRedis(config, logger: logger) { redis in
                do {
                    return try await EntityKeyStore(redis: redis).create(entity: entity, patterns: patterns, rate: rate).secret
                } catch let error as NotifyError {
                    throw CLI.fail("--\(error.fields.first?.field ?? "entity"): \(error.detail)", code: 64)
                }
            }
            print(secret)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List API keys: id, entity, status, creation date, rate and event patterns, one per line (tab-separated)."
        )

        @Flag(help: "Also list revoked keys.")
        var all = false

        func run() async throws {
            let config = try CLI.loadConfiguration()
            let logger = CLI.bootstrapLogging(level: "warning", format: .text)
            let keys = try await CLI.withRedis(config, logger: logger) { try await EntityKeyStore(redis: $0).list() }
            let dates = ISO8601DateFormatter()
            for key in keys where all || key.revokedAt == nil {
                let status = key.revokedAt.map { "revoked \(dates.string(from: $0))" } ?? "active"
                let rate = key.rate.map { String($0) } ?? "default"
                print([key.id, key.entity, status, dates.string(from: key.createdAt), rate, key.patterns.map(\.text).joined(separator: ",")]
                    .joined(separator: "\t"))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an API key by the id `keys list` shows; it stops working at once.",
            discussion: "Exit status 0 when revoked, 1 when no key has that id."
        )

        @Argument(help: "The key's id (12 hex digits, from `notifyme keys list`).")
        var id: String

        func run() async throws {
            let config = try CLI.loadConfiguration()
            let logger = CLI.bootstrapLogging(level: "warning", format: .text)
            let revoked = try await CLI.withRedis(config, logger: logger) { try await EntityKeyStore(redis: $0).revoke(id: id) }
            guard revoked else { throw CLI.fail("no API key with id '\(id.prefix(64))'", code: 1) }
            FileHandle.standardError.write(Data("notifyme: key \(id) revoked\n".utf8))
        }
    }
}
