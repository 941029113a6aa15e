/// What a cluster node's error reply asks the client to do instead of failing.
enum ClusterRedirect: Equatable {
    /// The slot lives on another node for good: update the map, send there.
    case moved(slot: Int, to: RedisConfiguration.Endpoint)
    /// The slot is being migrated and this key is already on the target: send there once, after ASKING.
    case ask(slot: Int, to: RedisConfiguration.Endpoint)
    /// A multi-key command during a migration, or the cluster is down or failing over: wait and try again.
    case retryLater

    /// Reads `reply`; `from` is the node that sent it (a redirect with no host means that node's host).
    init?(_ reply: RedisValue, from node: RedisConfiguration.Endpoint) {
        guard case .error(let message) = reply else { return nil }
        self.init(message: message, from: node)
    }

    init?(message: String, from node: RedisConfiguration.Endpoint) {
        if message.hasPrefix("TRYAGAIN") || message.hasPrefix("CLUSTERDOWN") {
            self = .retryLater
            return
        }
        let parts = message.split(separator: " ")
        guard parts.count == 3, parts[0] == "MOVED" || parts[0] == "ASK",
              let slot = Int(parts[1]), (0..<HashSlot.count).contains(slot),
              let colon = parts[2].lastIndex(of: ":"), let port = Int(parts[2][parts[2].index(after: colon)...]) else {
            return nil
        }
        var host = String(parts[2][..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty, case .tcp(let nodeHost, _) = node { host = nodeHost }
        let target = RedisConfiguration.Endpoint.tcp(host: host, port: port)
        self = parts[0] == "MOVED" ? .moved(slot: slot, to: target) : .ask(slot: slot, to: target)
    }
}

extension RedisValue {
    /// An error reply saying the command did not run on that node (MOVED, ASK, TRYAGAIN, CLUSTERDOWN).
    var isClusterRefusal: Bool {
        guard let message = errorMessage else { return false }
        return ["MOVED ", "ASK ", "TRYAGAIN", "CLUSTERDOWN"].contains { message.hasPrefix($0) }
    }
}
