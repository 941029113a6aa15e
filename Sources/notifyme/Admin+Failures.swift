import ArgumentParser
import Foundation

extension Admin.Failures {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List failed deliveries, newest first: time, channel, notification, event type, entity, attempts, status, last error.",
            discussion: "Tab-separated, one per line, for scripts (--json: the API's pages as they are).\n" + AdminClient.Exit.help
        )

        @OptionGroup var client: AdminClient
        @OptionGroup var filter: FailureFilterOptions

        @Option(help: "At most this many (1 to 10000).")
        var limit: Int = 50

        @Flag(help: "Print the API's JSON pages instead of lines.")
        var json = false

        func run() async throws {
            guard (1...10_000).contains(limit) else { throw CLI.fail("--limit must be from 1 to 10000", code: AdminClient.Exit.usage) }
            var cursor: String?
            var printed = 0
            repeat {
                let page = try await client.call("GET", "/v1/admin/failures" + AdminClient.query(filter.pairs + [
                    ("limit", String(min(200, limit - printed))), ("cursor", cursor),
                ]))
                let items = page["items"] as? [[String: Any]] ?? []
                if json {
                    print(String(decoding: try JSONSerialization.data(withJSONObject: page, options: [.sortedKeys]), as: UTF8.self))
                } else {
                    for item in items {
                        let fields = ["failedAt", "channel", "notificationId", "eventType", "entity", "attempts", "status", "error"]
                        print(fields.map { "\(item[$0] ?? "")".replacingOccurrences(of: "\t", with: " ") }.joined(separator: "\t"))
                    }
                }
                printed += items.count
                cursor = page["next"] as? String
            } while cursor != nil && printed < limit
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a notification and its whole timeline (the read is audited).",
            discussion: AdminClient.Exit.help
        )

        @OptionGroup var client: AdminClient

        @Argument(help: "The notification id (ntf_...).")
        var id: String

        @Option(help: "Why you look at it (goes into the audit log).")
        var reason: String?

        func run() async throws {
            let n = try await client.call("GET", "/v1/admin/notifications/\(id)" + AdminClient.query([("reason", reason)]))
            for field in ["id", "eventId", "eventType", "entity", "cpr", "channel", "status", "attempts", "reference"] {
                if let value = n[field] { print("\(field)\t\(value)") }
            }
            for entry in n["timeline"] as? [[String: Any]] ?? [] {
                print("\(entry["at"] ?? "")\t\(entry["status"] ?? "")\t\(entry["detail"] ?? "")")
            }
        }
    }
}
