/// Which master serves each of the 16384 slots, as CLUSTER SLOTS last reported (patched by MOVED since).
struct ClusterSlotMap: Sendable {
    private(set) var nodes: [RedisConfiguration.Endpoint] = []
    /// Index into `nodes` per slot; -1 while no node is known for it.
    private var owners = [Int16](repeating: -1, count: HashSlot.count)

    var isEmpty: Bool { nodes.isEmpty }

    func node(for slot: Int) -> RedisConfiguration.Endpoint? {
        let index = owners[slot]
        return index < 0 ? nil : nodes[Int(index)]
    }

    /// Slots no node serves.
    var uncovered: Int { owners.lazy.filter { $0 < 0 }.count }

    mutating func assign(_ slots: ClosedRange<Int>, to node: RedisConfiguration.Endpoint) {
        let index: Int
        if let known = nodes.firstIndex(of: node) {
            index = known
        } else {
            nodes.append(node)
            index = nodes.count - 1
        }
        for slot in slots where (0..<HashSlot.count).contains(slot) { owners[slot] = Int16(index) }
    }

    /// Reads a CLUSTER SLOTS reply: `[[start, end, [host, port, id, ...], replica...], ...]`; masters only.
    /// `asked` is the node that answered: an empty or `?` host means its host.
    static func parse(_ reply: RedisValue, asked: RedisConfiguration.Endpoint) throws(RedisError) -> ClusterSlotMap {
        guard let ranges = reply.array else { throw .protocolViolation("CLUSTER SLOTS: expected an array, got \(reply)") }
        var map = ClusterSlotMap()
        for range in ranges {
            guard let parts = range.array, parts.count >= 3, let start = parts[0].int, let end = parts[1].int, start <= end,
                  let master = parts[2].array, master.count >= 2, var host = master[0].string, let port = master[1].int else {
                throw .protocolViolation("CLUSTER SLOTS: malformed slot range \(range)")
            }
            if host.isEmpty || host == "?", case .tcp(let askedHost, _) = asked { host = askedHost }
            map.assign(start...end, to: .tcp(host: host, port: port))
        }
        return map
    }
}
