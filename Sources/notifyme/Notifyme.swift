import ArgumentParser

@main
struct Notifyme: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notifyme",
        abstract: "NotifyMe: national notification dispatch (SMS, email, push).",
        discussion: """
        Configuration comes from Config/notifyme.yaml (or the file NOTIFYME_CONFIG
        names), overridden by NOTIFYME_REDIS_URL, NOTIFYME_HTTP_PORT,
        NOTIFYME_HTTP_HOST, NOTIFYME_DATA_DIR, NOTIFYME_SMTP_URL, NOTIFYME_LOG_LEVEL and
        NOTIFYME_LOG_FORMAT. With no Redis URL, NotifyMe uses a private redis-server
        under the data directory.
        """,
        subcommands: [Run.self, API.self, Worker.self, Keys.self, Admin.self, DevToken.self, Bench.self, Chaos.self]
    )
}
