import Logging
import ServiceLifecycle

extension SMTPSimulator {
    /// Runs an SMTP simulator for the duration of `body`: starts it in a child task, waits until it listens, calls
    /// `body`, then shuts it down gracefully and waits for it to stop.
    public static func withRunning<T>(host: String = "127.0.0.1", logger: Logger = Logger(label: "smtp-sim"),
                                      _ body: (SMTPSimulator) async throws -> T) async throws -> T {
        let smtp = SMTPSimulator(host: host, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [smtp], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let result: Result<T, any Error>
            do {
                try await smtp.ready()
                result = .success(try await body(smtp))
            } catch {
                result = .failure(error)
            }
            await group.triggerGracefulShutdown()
            while let next = await tasks.nextResult() {
                if case .failure(let error) = next, case .success = result { throw error }
            }
            return try result.get()
        }
    }
}
