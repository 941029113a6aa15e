import Logging

/// One hiredis connection owned by one dedicated thread; callers reach it through a continuation.
///
/// Connects lazily on the first command and again after any connection error or timeout. Commands that
/// callers queue while the thread is busy go out together in one round trip (each caller's commands stay
/// contiguous and in order, so a MULTI/EXEC pipeline is never interleaved).
public final class RedisConnection: Sendable {
    public let configuration: RedisConfiguration
    public let name: String
    private let thread: ConnectionThread<HiredisSession, Job>
    /// The server every command goes to, unless `router` is set.
    private let endpoint: RedisConfiguration.Endpoint
    /// Set for a cluster client's blocking connection: each command goes to the node serving its key, following
    /// redirections, so a stream read follows its slot when the slot moves.
    private let router: ClusterRouter?

    /// One caller's commands, the server they go to, and where their replies go.
    struct Job: Sendable {
        let commands: [RedisCommand]
        let timeout: Duration
        let endpoint: RedisConfiguration.Endpoint
        let continuation: CheckedContinuation<[RedisValue], any Error>
    }

    /// A coalesced round trip stops growing past this many commands; the rest go in the next one.
    static let coalesceLimit = 8192

    /// A connection named `name` (thread name and CLIENT SETNAME); nothing connects until the first command.
    public convenience init(configuration: RedisConfiguration, name: String = "redis") {
        self.init(configuration: configuration, name: name, logger: Logger(label: "redis"))
    }

    init(configuration: RedisConfiguration, name: String, logger: Logger,
         endpoint: RedisConfiguration.Endpoint? = nil, router: ClusterRouter? = nil) {
        self.configuration = configuration
        self.name = name
        self.endpoint = endpoint ?? configuration.endpoint
        self.router = router
        self.thread = ConnectionThread(
            name: "redis:\(name)",
            makeState: { HiredisSession(configuration: configuration, name: name, logger: logger) },
            process: { session, jobs in Self.process(jobs, on: session) },
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
        guard let value = try await exchange([command], timeout: timeout).first else {
            throw RedisError.protocolViolation("\(command.name): no reply")
        }
        if case .error(let message) = value { throw RedisError.reply(message) }
        return value
    }

    /// Sends all commands in one round trip; replies in order, error replies as `.error` values.
    public func pipeline(_ commands: [RedisCommand]) async throws -> [RedisValue] {
        guard !commands.isEmpty else { return [] }
        return try await exchange(commands, timeout: configuration.commandTimeout)
    }

    /// Stops accepting commands; queued ones still run, then the context is freed on its own thread.
    /// Idempotent. A command already blocked in the server finishes (or times out) first.
    public func close() {
        thread.stop()
    }

    private func exchange(_ commands: [RedisCommand], timeout: Duration) async throws -> [RedisValue] {
        guard let router else { return try await perform(commands, timeout: timeout, endpoint: endpoint) }
        return try await router.pipeline(commands) { node, batch in
            try await self.perform(batch, timeout: timeout, endpoint: node)
        }
    }

    private func perform(_ commands: [RedisCommand], timeout: Duration, endpoint: RedisConfiguration.Endpoint) async throws -> [RedisValue] {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[RedisValue], any Error>) in
            let accepted = thread.submit(Job(commands: commands, timeout: timeout, endpoint: endpoint, continuation: continuation))
            if !accepted { continuation.resume(throwing: RedisError.closed) }
        }
    }

    /// Runs one batch on the connection's thread: neighbouring jobs with the same timeout and server share a round trip
    /// (a blocking read, with its own timeout, goes alone). If the round trip fails, every job in it gets the error.
    static func process(_ jobs: [Job], on session: HiredisSession) {
        var i = 0
        while i < jobs.count {
            if jobs[i].commands.isEmpty || jobs[i].commands.contains(where: { $0.count == 0 }) {
                jobs[i].continuation.resume(throwing: RedisError.reply("ERR empty command"))
                i += 1
                continue
            }
            var end = i + 1
            var total = jobs[i].commands.count
            while end < jobs.count, jobs[end].timeout == jobs[i].timeout, jobs[end].endpoint == jobs[i].endpoint, total < coalesceLimit,
                  !jobs[end].commands.isEmpty, !jobs[end].commands.contains(where: { $0.count == 0 }) {
                total += jobs[end].commands.count
                end += 1
            }
            let group = jobs[i..<end]
            do throws(RedisError) {
                if group.count == 1, let job = group.first, job.commands.count == 1 {
                    job.continuation.resume(returning: [try session.execute(job.commands[0], timeout: job.timeout, on: job.endpoint)])
                } else {
                    let replies = try session.execute(group.flatMap(\.commands), timeout: jobs[i].timeout, on: jobs[i].endpoint)
                    var offset = 0
                    for job in group {
                        job.continuation.resume(returning: Array(replies[offset..<(offset + job.commands.count)]))
                        offset += job.commands.count
                    }
                }
            } catch {
                for job in group { job.continuation.resume(throwing: error) }
            }
            i = end
        }
    }
}
