import Logging

/// The shared client: a pool of connections, each on its own thread. Safe to use from many tasks at once.
///
/// Against one server, each call leases the least-busy connection for the length of that call. Against a Redis
/// Cluster (a `redis+cluster://` URL), each command goes to the node serving its key's slot, over a pool per node.
public final class RedisClient: Sendable {
    public let configuration: RedisConfiguration
    let logger: Logger
    private let mode: Mode

    private enum Mode: Sendable {
        case single(RedisNodePool)
        case cluster(ClusterRouter)
    }

    /// `poolSize` connections (at least 1) per server, each connecting lazily.
    public init(configuration: RedisConfiguration, poolSize: Int = 4, logger: Logger = Logger(label: "redis")) {
        self.configuration = configuration
        self.logger = logger
        if configuration.isCluster {
            mode = .cluster(ClusterRouter(configuration: configuration, poolSize: poolSize, logger: logger))
        } else {
            mode = .single(RedisNodePool(configuration: configuration, endpoint: configuration.endpoint, size: poolSize,
                                         namePrefix: "pool-", logger: logger))
        }
    }

    deinit { close() }

    /// Whether this client talks to a Redis Cluster, where a pipeline's stages are separate round trips.
    public var isCluster: Bool {
        if case .cluster = mode { true } else { false }
    }

    /// Sends one command; an error reply throws a `RedisError` (isReply).
    public func send(_ command: RedisCommand) async throws -> RedisValue {
        switch mode {
        case .single(let pool):
            if configuration.checksSlots { try Self.checkSlots([command]) }
            return try await pool.send(command)
        case .cluster(let router):
            guard let value = try await router.pipeline([command]).first else {
                throw RedisError.protocolViolation("\(command.name): no reply")
            }
            if case .error(let message) = value { throw RedisError.reply(message) }
            return value
        }
    }

    /// Sends `name` with `args`; an error reply throws a `RedisError` (isReply).
    public func send(_ name: String, _ args: any RedisArgument...) async throws -> RedisValue {
        try await send(RedisCommand(name, args))
    }

    /// All commands in one round trip on one connection (per node, on a cluster); error replies come back as
    /// `.error` values. On a cluster, commands for different nodes are not ordered with each other.
    public func pipeline(_ commands: [RedisCommand]) async throws -> [RedisValue] {
        guard !commands.isEmpty else { return [] }
        switch mode {
        case .single(let pool):
            if configuration.checksSlots { for command in commands { try Self.checkSlots([command]) } }
            return try await pool.pipeline(commands)
        case .cluster(let router): return try await router.pipeline(commands)
        }
    }

    /// Like `pipeline`, and if a later command ran, every earlier one did: on a cluster, each run of commands for one
    /// slot waits for the replies of the run before it (a round trip per change of slot), and a run the cluster
    /// would not take (still redirected after every retry) throws instead of letting the next one run. For writes
    /// whose order matters across hash tags, such as a count before the mark that says it was counted.
    public func orderedPipeline(_ commands: [RedisCommand]) async throws -> [RedisValue] {
        guard case .cluster(let router) = mode else { return try await pipeline(commands) }
        var replies: [RedisValue] = []
        replies.reserveCapacity(commands.count)
        var start = 0
        while start < commands.count {
            let slot = commands[start].slot
            var end = start + 1
            while end < commands.count, commands[end].slot.map({ $0 == slot }) ?? true { end += 1 }
            let run = try await router.pipeline(Array(commands[start..<end]))
            if let refused = run.first(where: { $0.isClusterRefusal }) {
                throw RedisError.reply(refused.errorMessage ?? "TRYAGAIN")
            }
            replies += run
            start = end
        }
        return replies
    }

    /// Stages of commands where each stage must have run before the next starts, but the commands inside a stage
    /// are not ordered with each other: one round trip against one server; on a cluster, one per stage (each split
    /// over the nodes), and a stage the cluster would not take throws before the next runs. Replies come back by stage.
    public func pipeline(stages: [[RedisCommand]]) async throws -> [[RedisValue]] {
        guard case .cluster(let router) = mode else {
            var replies = try await pipeline(stages.flatMap { $0 })[...]
            return stages.map { stage in
                defer { replies = replies.dropFirst(stage.count) }
                return Array(replies.prefix(stage.count))
            }
        }
        var replies: [[RedisValue]] = []
        for stage in stages {
            let run = stage.isEmpty ? [] : try await router.pipeline(stage)
            if let refused = run.first(where: { $0.isClusterRefusal }) {
                throw RedisError.reply(refused.errorMessage ?? "TRYAGAIN")
            }
            replies.append(run)
        }
        return replies
    }

    /// A new dedicated connection for blocking reads (XREADGROUP BLOCK, BLPOP), not from the pool.
    /// On a cluster it goes to the node of each command's key. The caller closes it.
    public func makeBlockingConnection(name: String) -> RedisConnection {
        switch mode {
        case .single: RedisConnection(configuration: configuration, name: name, logger: logger)
        case .cluster(let router): RedisConnection(configuration: configuration, name: name, logger: logger, router: router)
        }
    }

    /// Sends `command` to every server (each master of a cluster): for INFO, DBSIZE, FLUSHALL and the like.
    public func sendToEachNode(_ command: RedisCommand) async throws -> [RedisValue] {
        switch mode {
        case .single(let pool):
            return [try await pool.send(command)]
        case .cluster(let router):
            var replies: [RedisValue] = []
            for node in try await router.masters() { replies.append(try await router.pool(for: node).send(command)) }
            return replies
        }
    }

    /// Closes every pooled connection; later calls throw a `RedisError` (isClosed). Idempotent.
    public func close() {
        switch mode {
        case .single(let pool): pool.close()
        case .cluster(let router): router.close()
        }
    }

    /// A MULTI ... EXEC block, on the one node of its keys for a cluster.
    func pipelineTransaction(_ block: [RedisCommand]) async throws -> [RedisValue] {
        switch mode {
        case .single(let pool):
            if configuration.checksSlots { try Self.checkSlots(block) }
            return try await pool.pipeline(block)
        case .cluster(let router): return try await router.transaction(block)
        }
    }

    /// Throws CROSSSLOT, as a cluster would, when the keys of `commands` are in more than one slot.
    static func checkSlots(_ commands: [RedisCommand]) throws(RedisError) {
        let keys = commands.flatMap(\.keys)
        guard let first = keys.first else { return }
        let slot = HashSlot.of(first)
        // Slots and command names only: keys can carry a resident's CPR, and errors reach the logs.
        if let other = keys.first(where: { HashSlot.of($0) != slot }) {
            throw .reply("CROSSSLOT Keys in request don't hash to the same slot (slots \(slot) and \(HashSlot.of(other)); \(commands.map(\.name)))")
        }
    }
}
