import Logging

/// Connections to one server, each on its own thread; each call leases the least-busy one (ties round-robin).
final class RedisNodePool: Sendable {
    let endpoint: RedisConfiguration.Endpoint
    private let connections: [RedisConnection]
    private let state: Locked<State>

    private struct State {
        var inFlight: [Int]
        var cursor = 0
    }

    init(configuration: RedisConfiguration, endpoint: RedisConfiguration.Endpoint, size: Int, namePrefix: String, logger: Logger) {
        let size = max(1, size)
        self.endpoint = endpoint
        self.connections = (0..<size).map { index in
            RedisConnection(configuration: configuration, name: "\(namePrefix)\(index)", logger: logger, endpoint: endpoint)
        }
        self.state = Locked(State(inFlight: Array(repeating: 0, count: size)))
    }

    /// All commands in one round trip on one connection; error replies come back as `.error` values.
    func pipeline(_ commands: [RedisCommand]) async throws -> [RedisValue] {
        try await withConnection { try await $0.pipeline(commands) }
    }

    /// One command; an error reply throws.
    func send(_ command: RedisCommand) async throws -> RedisValue {
        try await withConnection { try await $0.send(command) }
    }

    func close() {
        for connection in connections { connection.close() }
    }

    private func withConnection<T: Sendable>(_ body: (RedisConnection) async throws -> T) async throws -> T {
        let index = lease()
        defer { release(index) }
        return try await body(connections[index])
    }

    private func lease() -> Int {
        state.withLock { state in
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
        state.withLock { $0.inFlight[index] -= 1 }
    }
}
