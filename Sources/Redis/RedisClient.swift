import Logging

/// The shared client: a pool of connections, each on its own thread. Safe to use from many tasks at once.
///
/// Each call leases the least-busy connection (ties broken round-robin) for the length of that call.
public final class RedisClient: Sendable {
    public let configuration: RedisConfiguration
    let logger: Logger
    private let connections: [RedisConnection]
    private let pool: Locked<PoolState>

    private struct PoolState {
        var inFlight: [Int]
        var cursor = 0
    }

    /// `poolSize` connections (at least 1), each connecting lazily.
    public init(configuration: RedisConfiguration, poolSize: Int = 4, logger: Logger = Logger(label: "redis")) {
        let size = max(1, poolSize)
        self.configuration = configuration
        self.logger = logger
        self.connections = (0..<size).map { index in
            RedisConnection(configuration: configuration, name: "pool-\(index)", logger: logger)
        }
        self.pool = Locked(PoolState(inFlight: Array(repeating: 0, count: size)))
    }

    deinit { close() }

    /// Sends one command; an error reply throws a `RedisError` (isReply).
    public func send(_ command: RedisCommand) async throws -> RedisValue {
        try await withConnection { try await $0.send(command) }
    }

    /// Sends `name` with `args`; an error reply throws a `RedisError` (isReply).
    public func send(_ name: String, _ args: any RedisArgument...) async throws -> RedisValue {
        try await send(RedisCommand(name, args))
    }

    /// All commands in one round trip on one connection; error replies come back as `.error` values.
    public func pipeline(_ commands: [RedisCommand]) async throws -> [RedisValue] {
        guard !commands.isEmpty else { return [] }
        return try await withConnection { try await $0.pipeline(commands) }
    }

    /// A new dedicated connection for blocking reads (XREADGROUP BLOCK, BLPOP), not from the pool.
    /// The caller closes it.
    public func makeBlockingConnection(name: String) -> RedisConnection {
        RedisConnection(configuration: configuration, name: name, logger: logger)
    }

    /// Closes every pooled connection; later calls throw a `RedisError` (isClosed). Idempotent.
    public func close() {
        for connection in connections { connection.close() }
    }

    func withConnection<T: Sendable>(_ body: (RedisConnection) async throws -> T) async throws -> T {
        let index = lease()
        defer { release(index) }
        return try await body(connections[index])
    }

    private func lease() -> Int {
        pool.withLock { state in
            let count = state.inFlight.count
            var best = state.cursor
            for offset in 0..<count {
                let candidate = (state.cursor + offset) % count
                if state.inFlight[candidate] < state.inFlight[best] { best = candidate }
                if state.inFlight[best] == 0 { break }
            }
            state.inFlight[best] += 1
            state.cursor = (best + 1) % count
            return best
        }
    }

    private func release(_ index: Int) {
        pool.withLock { $0.inFlight[index] -= 1 }
    }
}
