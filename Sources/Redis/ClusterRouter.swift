import Logging

/// Routes commands over a Redis Cluster: keeps the slot map and a connection pool per master, sends each command
/// to the node serving its key's slot (pipelines split per node and sent in parallel), and follows MOVED, ASK,
/// TRYAGAIN and CLUSTERDOWN, as every cluster-aware client must.
final class ClusterRouter: Sendable {
    typealias Endpoint = RedisConfiguration.Endpoint
    typealias Send = @Sendable (Endpoint, [RedisCommand]) async throws -> [RedisValue]

    let configuration: RedisConfiguration
    let logger: Logger
    private let poolSize: Int
    private let state: Locked<State>

    /// Rounds of redirection before a reply is handed back as it is (a slot cannot move this often).
    static let maxRounds = 16
    /// A MOVED patches its one slot at once; the whole map is read again at most this often.
    static let refreshInterval: Duration = .milliseconds(100)

    private struct State {
        var map = ClusterSlotMap()
        var pools: [Endpoint: RedisNodePool] = [:]
        var stale = true
        var refreshing = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var lastRefresh: ContinuousClock.Instant?
        var lastError: RedisError?
    }

    init(configuration: RedisConfiguration, poolSize: Int, logger: Logger) {
        self.configuration = configuration
        self.poolSize = poolSize
        self.logger = logger
        self.state = Locked(State())
    }

    /// The pool for `node`, made on first use.
    func pool(for node: Endpoint) -> RedisNodePool {
        state.withLock { state in
            if let pool = state.pools[node] { return pool }
            let pool = RedisNodePool(configuration: configuration, endpoint: node, size: poolSize,
                                     namePrefix: "\(Self.label(node))-", logger: logger)
            state.pools[node] = pool
            return pool
        }
    }

    /// Every master in the current map.
    func masters() async throws -> [Endpoint] {
        try await ensureMap()
        return state.withLock { $0.map.nodes }
    }

    func close() {
        let pools = state.withLock { Array($0.pools.values) }
        for pool in pools { pool.close() }
    }

    /// Commands on the pooled connections: each to its slot's node, in order per node.
    func pipeline(_ commands: [RedisCommand]) async throws -> [RedisValue] {
        try await pipeline(commands) { node, batch in try await self.pool(for: node).pipeline(batch) }
    }

    /// Commands through `send`; replies in the order of `commands`.
    func pipeline(_ commands: [RedisCommand], send: @escaping Send) async throws -> [RedisValue] {
        try await run(commands.map { [$0] }, send: send).map { $0[0] }
    }

    /// A MULTI ... EXEC block (given whole), sent as one unit to the node of its keys.
    func transaction(_ block: [RedisCommand]) async throws -> [RedisValue] {
        try RedisClient.checkSlots(block)
        return try await run([block]) { node, batch in try await self.pool(for: node).pipeline(batch) }[0]
    }

    /// Sends each unit (commands that must go together, such as MULTI ... EXEC) to the node of its first key,
    /// grouping units per node, and sends again what a node redirects.
    func run(_ units: [[RedisCommand]], send: @escaping Send) async throws -> [[RedisValue]] {
        let slots = units.map { unit in unit.lazy.compactMap(\.slot).first }
        var results = [[RedisValue]](repeating: [], count: units.count)
        var pending = Array(units.indices)
        var asking: [Int: Endpoint] = [:]
        var round = 0
        while true {
            let nodes = try await route(pending.map { slots[$0] })
            var groups: [Endpoint: [Int]] = [:]
            var order: [Endpoint] = []
            for (index, routed) in zip(pending, nodes) {
                let node = asking[index] ?? routed
                if groups[node] == nil { order.append(node) }
                groups[node, default: []].append(index)
            }
            let replies = try await exchange(order.map { ($0, groups[$0] ?? []) }, units: units, asking: asking, send: send)
            var next: [Int] = []
            var moved = false
            var wait = false
            for (node, indices, values) in replies {
                var offset = 0
                for index in indices {
                    offset += asking[index] == nil ? 0 : 1
                    let unitReplies = Array(values[offset..<(offset + units[index].count)])
                    offset += units[index].count
                    results[index] = unitReplies
                    asking[index] = nil
                    guard round < Self.maxRounds,
                          let redirect = unitReplies.lazy.compactMap({ ClusterRedirect($0, from: node) }).first else { continue }
                    switch redirect {
                    case .moved(let slot, let target):
                        state.withLock { $0.map.assign(slot...slot, to: target); $0.stale = true }
                        moved = true
                    case .ask(_, let target):
                        asking[index] = target
                    case .retryLater:
                        wait = true
                    }
                    next.append(index)
                }
            }
            if next.isEmpty { return results }
            if moved { try? await ensureMap() }
            if wait { try await Task.sleep(for: Self.backoff(round)) }
            pending = next
            round += 1
        }
    }

    /// Each node's units in one round trip, nodes in parallel; ASKING goes before a unit that was asked over.
    private func exchange(_ groups: [(Endpoint, [Int])], units: [[RedisCommand]], asking: [Int: Endpoint],
                          send: @escaping Send) async throws -> [(Endpoint, [Int], [RedisValue])] {
        func batch(_ indices: [Int]) -> [RedisCommand] {
            indices.flatMap { index in (asking[index] == nil ? [] : [RedisCommand("ASKING")]) + units[index] }
        }
        do {
            if groups.count == 1, let (node, indices) = groups.first {
                return [(node, indices, try await send(node, batch(indices)))]
            }
            return try await withThrowingTaskGroup(of: (Endpoint, [Int], [RedisValue]).self) { group in
                for (node, indices) in groups {
                    let commands = batch(indices)
                    group.addTask { (node, indices, try await send(node, commands)) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        } catch let error as RedisError where error.isConnectionError || error.isTimeout {
            // A node that stopped answering may have failed over: read the map again before the next command.
            state.withLock { $0.stale = true }
            throw error
        }
    }

    /// The node for each slot (any node for a command without a key), reading the map first when it is stale.
    private func route(_ slots: [Int?]) async throws -> [Endpoint] {
        if state.withLock({ $0.stale || $0.map.isEmpty }) { try await ensureMap() }
        return try state.withLock { state throws(RedisError) -> [Endpoint] in
            guard let anyNode = state.map.nodes.first ?? configuration.clusterSeeds.first else {
                throw .configuration("no cluster node known")
            }
            return try slots.map { slot throws(RedisError) -> Endpoint in
                guard let slot else { return anyNode }
                guard let node = state.map.node(for: slot) else {
                    state.stale = true
                    throw .connection("no cluster node serves slot \(slot) (CLUSTERDOWN?)")
                }
                return node
            }
        }
    }

    /// Reads the slot map again if it is stale (at most once per `refreshInterval`) or missing; one caller reads it
    /// while the others wait for that read. Throws only when there is no map at all.
    func ensureMap() async throws {
        enum Role { case ready, wait, refresh }
        let role = state.withLock { state -> Role in
            if state.refreshing { return .wait }
            let recent = state.lastRefresh.map { ContinuousClock.now - $0 < Self.refreshInterval } ?? false
            guard state.map.isEmpty || (state.stale && !recent) else { return .ready }
            state.refreshing = true
            return .refresh
        }
        switch role {
        case .ready:
            break
        case .wait:
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    guard state.refreshing else { return true }
                    state.waiters.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        case .refresh:
            let fetched = await fetchMap()
            let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                switch fetched {
                case .success(let map):
                    state.map = map
                    state.stale = false
                    state.lastError = nil
                case .failure(let error):
                    state.lastError = error
                }
                state.lastRefresh = .now
                state.refreshing = false
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }
        let (empty, error) = state.withLock { ($0.map.isEmpty, $0.lastError) }
        if empty { throw error ?? RedisError.connection("no cluster node answered CLUSTER SLOTS") }
    }

    /// CLUSTER SLOTS from the known masters, then the seeds, until one answers with every slot covered
    /// (a node that has just lost its slots may answer with a partial map; one answering with more wins).
    private func fetchMap() async -> Result<ClusterSlotMap, RedisError> {
        let known = state.withLock { $0.map.nodes }
        var candidates: [Endpoint] = []
        for node in known + configuration.clusterSeeds where !candidates.contains(node) { candidates.append(node) }
        var best: ClusterSlotMap?
        var lastError = RedisError.connection("no cluster node answered CLUSTER SLOTS")
        for node in candidates {
            do {
                let reply = try await pool(for: node).send(RedisCommand("CLUSTER", "SLOTS"))
                let map = try ClusterSlotMap.parse(reply, asked: node)
                if map.uncovered == 0 { return .success(map) }
                if best.map({ map.uncovered < $0.uncovered }) ?? !map.isEmpty { best = map }
            } catch let error as RedisError {
                lastError = error
            } catch {
                lastError = .connection("\(error)")
            }
        }
        if let best { return .success(best) }
        logger.warning("redis cluster: no node answered CLUSTER SLOTS", metadata: ["error": "\(lastError.summary)"])
        return .failure(lastError)
    }

    static func backoff(_ round: Int) -> Duration {
        .milliseconds(min(500, 10 << min(round, 6)))
    }

    private static func label(_ node: Endpoint) -> String {
        switch node {
        case .tcp(let host, let port): "\(host):\(port)"
        case .unix(let path): path
        }
    }
}
