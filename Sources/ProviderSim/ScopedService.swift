import Logging
import ServiceLifecycle

/// Runs a simulator for the duration of a body, for ``ProviderSimulator/withRunning(_:logger:_:)`` and
/// ``SMTPSimulator/withRunning(host:logger:_:)``.
enum ScopedService {
    /// Starts `service` in a child task, waits until `ready` returns, calls `body`, then shuts the service down
    /// gracefully (so in-flight requests finish and nothing logs a cancellation as an error) and waits for it to stop.
    static func run<S: Service, T>(_ service: S, logger: Logger, ready: (S) async throws -> Void,
                                   _ body: (S) async throws -> T) async throws -> T {
        let group = ServiceGroup(configuration: .init(services: [service], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let result: Result<T, any Error>
            do {
                try await ready(service)
                result = .success(try await body(service))
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
