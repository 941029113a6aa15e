import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A private Redis Cluster for one test: masters only, on loopback, a fresh folder per node.
///
/// MOVED/ASK redirects and slot maps going stale mid-reshard only happen against real nodes, so the
/// cluster is real and redis-cli's `--cluster` tooling does the joining and the slot moves.
/// Every call blocks (processes, polling): from async tests, call it inside ``OffPool/run(_:)``.
public final class RedisCluster: Sendable {
    /// The client port of each node, in the order they were given to `--cluster create`.
    public let ports: [Int]
    private let nodes: [Node]
    /// Holds every node's folder and redis-cli's output files; removed on deinit.
    private let root: URL

    /// Starts `masters` nodes, joins them and waits until every node serves all 16384 slots;
    /// throws with the nodes' logs and redis-cli's output if that takes more than 20 s. A free port picked for a node
    /// can be taken (by any process's outgoing connection) before the node binds it: then it starts over on new ports,
    /// up to three times.
    public static func start(masters: Int = 3, appendOnly: Bool = false) throws -> RedisCluster {
        var attempt = 1
        while true {
            do { return try startOnce(masters: masters, appendOnly: appendOnly) } catch let error as TestSupportError
                where attempt < 3 && error.description.contains("Address already in use") {
                attempt += 1
            }
        }
    }

    private static func startOnce(masters: Int, appendOnly: Bool) throws -> RedisCluster {
        guard masters >= 3 else { throw TestSupportError("redis-cli --cluster create needs at least 3 masters, not \(masters)") }
        let deadline = Date().addingTimeInterval(20)
        let root = try Loopback.temporaryDirectory("redis-cluster")
        var nodes: [Node] = []
        do {
            var taken = Set<Int>()
            func freshPort() throws -> Int {
                var port: Int
                repeat { port = try Loopback.freePort() } while !taken.insert(port).inserted
                return port
            }
            for _ in 0..<masters {
                // The bus port is picked too: the default, port + 10000, is past 65535 for ports
                // above 55535 and may be anyone's.
                let port = try freshPort(), busPort = try freshPort()
                let dir = root.appendingPathComponent("node-\(port)", isDirectory: true)
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                let process = try ManagedProcess(
                    name: "redis-server-\(port)",
                    executable: "redis-server",
                    arguments: [
                        "--port", String(port), "--bind", "127.0.0.1",
                        "--cluster-enabled", "yes", "--cluster-port", String(busPort),
                        "--cluster-config-file", dir.appendingPathComponent("nodes.conf").path,
                        "--cluster-node-timeout", "5000",
                        "--dir", dir.path, "--save", "", "--appendonly", appendOnly ? "yes" : "no",
                    ],
                    workDir: dir
                )
                nodes.append(Node(port: port, process: process))
            }
        } catch {
            for node in nodes { node.process.stop(signal: SIGKILL, timeout: 1) }
            try? FileManager.default.removeItem(at: root)
            throw error
        }
        // From here on a throw releases `cluster`, and its deinit stops the nodes.
        let cluster = RedisCluster(root: root, nodes: nodes)
        try cluster.awaitNodes(until: deadline)
        let created: CLIResult
        do {
            created = try cluster.runCLI(
                ["--cluster", "create"] + cluster.ports.map { "127.0.0.1:\($0)" } + ["--cluster-replicas", "0", "--cluster-yes"],
                timeout: remaining(until: deadline)
            )
        } catch {
            throw TestSupportError("\(error)\n\(cluster.log)")
        }
        guard created.status == 0 else {
            throw TestSupportError("redis-cli --cluster create failed (exit \(created.status)):\n\(created.output)\n\(cluster.log)")
        }
        var infos: [String] = []
        let ok = Loopback.waitUntil(timeout: remaining(until: deadline)) {
            infos = cluster.ports.map { port in (try? cluster.runCLI(["-p", String(port), "cluster", "info"], timeout: 2).output) ?? "" }
            return infos.allSatisfy { $0.contains("cluster_state:ok") && $0.contains("cluster_slots_ok:16384") }
        }
        guard ok else {
            let states = zip(cluster.ports, infos).map { "CLUSTER INFO on \($0):\n\($1)" }.joined(separator: "\n")
            throw TestSupportError("redis cluster did not become ok in 20 s:\n\(states)\nredis-cli --cluster create:\n\(created.output)\n\(cluster.log)")
        }
        return cluster
    }

    private init(root: URL, nodes: [Node]) {
        self.root = root
        self.nodes = nodes
        self.ports = nodes.map(\.port)
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: root)
    }

    /// The form the client's configuration takes: every node as a seed, so any one can be down.
    public var url: String {
        "redis+cluster://" + ports.map { "127.0.0.1:\($0)" }.joined(separator: ",")
    }

    /// One plain `redis://` URL per node, for talking to a node directly (and seeing its MOVED replies).
    public var seedURLs: [String] { ports.map { "redis://127.0.0.1:\($0)" } }

    /// Every node's log so far (for failure messages).
    public var log: String {
        nodes.map { "--- redis-server 127.0.0.1:\($0.port) ---\n\($0.process.output)" }.joined(separator: "\n")
    }

    /// SIGTERM to every node at once, then waits for them. Idempotent.
    public func stop() {
        DispatchQueue.concurrentPerform(iterations: nodes.count) { nodes[$0].process.stop(signal: SIGTERM, timeout: 5) }
    }

    /// Moves `slots` slots (the source's lowest first) to `targetPort`'s node, keys included;
    /// returns redis-cli's output, or throws with it when redis-cli fails or takes over 120 s.
    @discardableResult
    public func reshard(slots: Int, from sourcePort: Int, to targetPort: Int) throws -> String {
        let source = try nodeID(sourcePort), target = try nodeID(targetPort)
        let result = try runCLI([
            "--cluster", "reshard", "127.0.0.1:\(sourcePort)",
            "--cluster-from", source, "--cluster-to", target, "--cluster-slots", String(slots), "--cluster-yes",
        ], timeout: 120)
        guard result.status == 0 else {
            throw TestSupportError("redis-cli --cluster reshard \(slots) slots \(sourcePort) -> \(targetPort) failed (exit \(result.status)):\n\(result.output)")
        }
        return result.output
    }

    /// Waits until `redis-cli --cluster check` passes: every node agrees on the slot map, no slot is
    /// left migrating or importing, all slots are covered. After a reshard, before asserting on owners.
    public func waitUntilStable(timeout: Double = 20) throws {
        var last = ""
        let stable = Loopback.waitUntil(timeout: timeout) {
            for port in ports {
                // Any live node will do as the entry point; the check itself asks all of them.
                guard let result = try? runCLI(["--cluster", "check", "127.0.0.1:\(port)"], timeout: 10) else { continue }
                last = result.output
                return result.status == 0
            }
            return false
        }
        guard stable else { throw TestSupportError("redis cluster not stable after \(timeout) s:\n\(last)") }
    }

    /// The port of the master owning `slot`, as the first node that answers sees it
    /// (call ``waitUntilStable(timeout:)`` first if all nodes must agree).
    public func slotOwner(_ slot: Int) throws -> Int {
        guard (0..<16384).contains(slot) else { throw TestSupportError("slot \(slot) is not in 0..<16384") }
        let (port, entries) = try clusterNodes()
        guard let owner = entries.first(where: { $0.isMaster && $0.slots.contains { $0.contains(slot) } }) else {
            throw TestSupportError("no master owns slot \(slot) according to 127.0.0.1:\(port)")
        }
        return owner.port
    }

    /// The ports of the masters the cluster knows and does not consider failed, in `ports` order;
    /// empty when no node answers.
    public func masterPorts() -> [Int] {
        guard let answer = try? clusterNodes() else { return [] }
        let masters = Set(answer.entries.filter { $0.isMaster && !$0.failed }.map(\.port))
        return ports.filter(masters.contains)
    }

    /// `redis-cli -p port arguments...`, for setting up or inspecting one node directly.
    /// Throws when redis-cli exits non-zero (it cannot connect, say); redis-cli 7.0 exits 0 on an
    /// error reply, so an `ERR ...` comes back as the output.
    public func redisCLI(port: Int, _ arguments: [String], timeout: Double = 10) throws -> String {
        let result = try runCLI(["-p", String(port)] + arguments, timeout: timeout)
        guard result.status == 0 else {
            throw TestSupportError("redis-cli -p \(port) \(arguments.joined(separator: " ")) failed (exit \(result.status)):\n\(result.output)")
        }
        return result.output
    }

    /// Moves one slot and its keys by hand, as a reshard does for each slot: IMPORTING on the target, MIGRATING on the
    /// source, MIGRATE of each key, then NODE on every master.
    public func moveSlot(_ slot: Int, from sourcePort: Int, to targetPort: Int) throws {
        let source = try nodeID(sourcePort), target = try nodeID(targetPort)
        _ = try redisCLI(port: targetPort, ["cluster", "setslot", String(slot), "importing", source])
        _ = try redisCLI(port: sourcePort, ["cluster", "setslot", String(slot), "migrating", target])
        while true {
            let keys = try redisCLI(port: sourcePort, ["cluster", "getkeysinslot", String(slot), "100"])
                .split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
            if keys.isEmpty { break }
            let reply = try redisCLI(port: sourcePort, ["migrate", "127.0.0.1", String(targetPort), "", "0", "5000", "keys"] + keys)
            guard reply.contains("OK") else { throw TestSupportError("MIGRATE of slot \(slot) answered \(reply)") }
        }
        for port in ports { _ = try redisCLI(port: port, ["cluster", "setslot", String(slot), "node", target]) }
    }

    /// The node id (CLUSTER MYID) of the node on `port`.
    public func nodeID(_ port: Int) throws -> String {
        let id = try redisCLI(port: port, ["cluster", "myid"]).trimmingCharacters(in: .whitespacesAndNewlines)
        guard id.count == 40, id.allSatisfy(\.isHexDigit) else {
            throw TestSupportError("CLUSTER MYID on 127.0.0.1:\(port) answered \(id)")
        }
        return id
    }

    /// CLUSTER NODES from the first node that answers: a line format stable across versions,
    /// unlike redis-cli's flattening of the nested CLUSTER SLOTS reply.
    private func clusterNodes() throws -> (port: Int, entries: [NodeEntry]) {
        var failures: [String] = []
        for port in ports {
            do {
                let entries = NodeEntry.parse(try redisCLI(port: port, ["cluster", "nodes"], timeout: 5))
                if !entries.isEmpty { return (port, entries) }
                failures.append("127.0.0.1:\(port): no nodes in CLUSTER NODES")
            } catch {
                failures.append("127.0.0.1:\(port): \(error)")
            }
        }
        throw TestSupportError("no node answered CLUSTER NODES:\n" + failures.joined(separator: "\n"))
    }

    /// Runs redis-cli; output goes to a file so a long reshard cannot fill a pipe and stall.
    /// Never waits past `timeout` (plus 2 s to reap): a stuck redis-cli is killed and reported.
    private func runCLI(_ arguments: [String], timeout: Double) throws -> CLIResult {
        let outputURL = root.appendingPathComponent("redis-cli-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outputURL) }
        let handle = try FileHandle(forWritingTo: outputURL)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try ManagedProcess.resolve("redis-cli"))
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        // redis-cli colours --cluster output with ANSI escapes whenever TERM names an xterm, tty or not.
        environment["TERM"] = "dumb"
        process.environment = environment
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            let hard = Date().addingTimeInterval(2)
            while process.isRunning && Date() < hard { usleep(10_000) }
            let output = (try? String(contentsOf: outputURL, encoding: .utf8)) ?? ""
            throw TestSupportError("redis-cli \(arguments.joined(separator: " ")) did not finish in \(timeout) s:\n\(output)")
        }
        let output = (try? String(contentsOf: outputURL, encoding: .utf8)) ?? ""
        let status = process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
        return CLIResult(status: status, output: output)
    }

    private static func remaining(until deadline: Date) -> Double {
        max(1, deadline.timeIntervalSinceNow)
    }

    /// Waits until every node accepts connections; a node that exits (its port was taken) fails at once.
    private func awaitNodes(until deadline: Date) throws {
        let ready = Loopback.waitUntil(timeout: Self.remaining(until: deadline)) {
            nodes.allSatisfy { node in
                guard node.process.isRunning else { return true }
                return Loopback.isListening(port: node.port) && node.process.output.contains("Ready to accept connections")
            }
        }
        guard ready, nodes.allSatisfy(\.process.isRunning) else {
            throw TestSupportError("redis-server nodes did not start on \(ports):\n\(log)")
        }
    }
}

/// One redis-server of the cluster; the process is stopped by ``RedisCluster/stop()``.
private struct Node: Sendable {
    let port: Int
    let process: ManagedProcess
}

/// How one redis-cli run exited (128 + signal when killed) and what it printed.
private struct CLIResult {
    let status: Int32
    let output: String
}

/// One line of CLUSTER NODES: `<id> <ip:port@bus[,hostname]> <flags> <master> <ping> <pong> <epoch> <link> <slot>...`.
private struct NodeEntry {
    let port: Int
    let isMaster: Bool
    let failed: Bool
    let slots: [ClosedRange<Int>]

    static func parse(_ text: String) -> [NodeEntry] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count >= 8,
                  let address = fields[1].split(separator: "@").first,
                  let colon = address.lastIndex(of: ":"),
                  let port = Int(address[address.index(after: colon)...]) else { return nil }
            let flags = fields[2].split(separator: ",")
            // "[5->-id]" / "[5-<-id]" mark a slot mid-migration; the slot is still listed as a plain owner entry.
            let slots = fields.dropFirst(8).filter { !$0.hasPrefix("[") }.compactMap { field -> ClosedRange<Int>? in
                let bounds = field.split(separator: "-").compactMap { Int($0) }
                switch bounds.count {
                case 1: return bounds[0]...bounds[0]
                case 2 where bounds[0] <= bounds[1]: return bounds[0]...bounds[1]
                default: return nil
                }
            }
            return NodeEntry(
                port: port,
                isMaster: flags.contains("master"),
                failed: flags.contains("fail") || flags.contains("fail?"),
                slots: slots
            )
        }
    }
}
