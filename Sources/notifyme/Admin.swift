import ArgumentParser

/// `notifyme admin ...`: support staff's tools, through the API with a staff token (so every act is audited).
struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Support staff: failed deliveries and their replay, through the API with a staff token.",
        discussion: AdminClient.Exit.help,
        subcommands: [Failures.self]
    )

    struct Failures: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List, show and replay failed (dead-lettered) deliveries.",
            discussion: AdminClient.Exit.help,
            subcommands: [List.self, Show.self, Replay.self]
        )
    }
}

/// The filters `list` and a bulk `replay` share (those of GET /v1/admin/failures).
struct FailureFilterOptions: ParsableArguments {
    @Option(help: "Only this channel: sms, email or push.")
    var channel: String?

    @Option(help: "Only this event type, e.g. traffic.fine-issued.")
    var eventType: String?

    @Option(help: "Only failures at or after this time (RFC 3339, e.g. 2026-11-23T08:00:00Z).")
    var since: String?

    var pairs: [(String, String?)] { [("channel", channel), ("eventType", eventType), ("since", since)] }

    var body: [String: Any] {
        var filter: [String: Any] = [:]
        for (name, value) in pairs { if let value { filter[name] = value } }
        return filter
    }
}
