import Logging

extension SMTPSimulator {
    /// Runs an SMTP simulator for the duration of `body`: starts it in a child task, waits until it listens, calls
    /// `body`, then shuts it down gracefully and waits for it to stop.
    public static func withRunning<T>(host: String = "127.0.0.1", logger: Logger = Logger(label: "smtp-sim"),
                                      _ body: (SMTPSimulator) async throws -> T) async throws -> T {
        try await ScopedService.run(SMTPSimulator(host: host, logger: logger), logger: logger, ready: { try await $0.ready() }, body)
    }
}
