import Logging

/// One hiredis connection owned by one dedicated thread; callers reach it through a continuation.
///
/// Connects lazily on the first command and again after any connection error or timeout.
public final class RedisConnection: Sendable {
    public let configuration: RedisConfiguration
    public let name: String
    private let thread: ConnectionThread<HiredisSession>

    /// A connection named `name` (thread name and CLIENT SETNAME); nothing connects until the first command.
    public convenience init(configuration: RedisConfiguration, name: String = "redis") {
        self.init(configuration: configuration, name: name, logger: Logger(label: "redis"))
    }

    init(configuration: RedisConfiguration, name: String, logger: Logger) {
        self.configuration = configuration
        self.name = name
        self.thread = ConnectionThread(
            name: "redis:\(name)",
            makeState: { HiredisSession(configuration: configuration, name: name, logger: logger) },
            finish: { session in session.disconnect() }
        )
    }

    deinit { thread.stop() }

    /// Sends one command; an error reply throws a `RedisError` (isReply).
    public func send(_ command: RedisCommand) async throws -> RedisValue {
        try await send(command, timeout: configuration.commandTimeout)
    }

    /// Sends one command with its own read timeout (for `XREADGROUP ... BLOCK`, `BLPOP`).
    public func send(_ command: RedisCommand, timeout: Duration) async throws -> RedisValue {
        let value = try await perform { session throws(RedisError) in
            try session.execute(command, timeout: timeout)
        }
        if case .error(let message) = value { throw RedisError.reply(message) }
        return value
    }

    /// Sends all commands in one round trip; replies in order, error replies as `.error` values.
    public func pipeline(_ commands: [RedisCommand]) async throws -> [RedisValue] {
        guard !commands.isEmpty else { return [] }
        let timeout = configuration.commandTimeout
        return try await perform { session throws(RedisError) in
            try session.execute(commands, timeout: timeout)
        }
    }

    /// Stops accepting commands; queued ones still run, then the context is freed on its own thread.
    /// Idempotent. A command already blocked in the server finishes (or times out) first.
    public func close() {
        thread.stop()
    }

    /// Runs `body` on the connection's thread and resumes the caller with its result.
    private func perform<T: Sendable>(
        _ body: @escaping @Sendable (HiredisSession) throws(RedisError) -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let accepted = thread.submit { session in
                do throws(RedisError) {
                    continuation.resume(returning: try body(session))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            if !accepted { continuation.resume(throwing: RedisError.closed) }
        }
    }
}
