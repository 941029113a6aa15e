/// Where and how to connect.
///
/// URL forms: `redis://[:password@]host[:port][/db]`, `redis://user:password@host:port/db`,
/// `unix:///path/to/socket[?db=N&password=...&user=...]`, and for Redis Cluster
/// `redis+cluster://[user:password@]host1:port1,host2:port2` (seed nodes; the rest are discovered).
public struct RedisConfiguration: Sendable, Hashable {
    /// A TCP host and port, or a unix socket path.
    public enum Endpoint: Sendable, Hashable {
        case tcp(host: String, port: Int)
        case unix(path: String)
    }

    /// The server; for a cluster, the first seed.
    public var endpoint: Endpoint
    /// Seed nodes of a Redis Cluster; empty for a single server (the default).
    public var clusterSeeds: [Endpoint]
    /// On a single server, refuse what a cluster would refuse: a command, or a MULTI block, whose keys are in more
    /// than one slot (`CROSSSLOT`). For tests, so code that only ever met one server is held to the cluster's rule.
    public var checksSlots = false
    /// ACL user for `AUTH user password` (Redis 6+); nil for plain `AUTH password`.
    public var username: String?
    public var password: String?
    /// Selected with SELECT after every connect when not 0.
    public var database: Int
    public var connectTimeout: Duration
    /// Read/write timeout of every command unless a call gives its own.
    public var commandTimeout: Duration

    public init(
        endpoint: Endpoint,
        username: String? = nil,
        password: String? = nil,
        database: Int = 0,
        connectTimeout: Duration = .seconds(2),
        commandTimeout: Duration = .seconds(5),
        clusterSeeds: [Endpoint] = []
    ) {
        self.endpoint = clusterSeeds.first ?? endpoint
        self.clusterSeeds = clusterSeeds
        self.username = username
        self.password = password
        self.database = database
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
    }

    /// Parses `url`; throws a `RedisError` (isConfiguration) saying what is wrong.
    public init(url: String, connectTimeout: Duration = .seconds(2), commandTimeout: Duration = .seconds(5)) throws {
        let parsed = try RedisURLParser.parse(url)
        self.init(
            endpoint: parsed.endpoint,
            username: parsed.username,
            password: parsed.password,
            database: parsed.database,
            connectTimeout: connectTimeout,
            commandTimeout: commandTimeout,
            clusterSeeds: parsed.clusterSeeds
        )
    }

    /// True for a Redis Cluster (commands are routed by slot).
    public var isCluster: Bool { !clusterSeeds.isEmpty }
}

extension RedisConfiguration: CustomStringConvertible {
    /// The endpoint and database, never the password.
    public var description: String {
        let auth = password == nil ? "" : (username.map { "\($0):***@" } ?? ":***@")
        if isCluster {
            return "redis+cluster://\(auth)" + clusterSeeds.map(Self.hostPort).joined(separator: ",")
        }
        switch endpoint {
        case .tcp(let host, let port):
            let shownHost = host.contains(":") ? "[\(host)]" : host
            return "redis://\(auth)\(shownHost):\(port)/\(database)"
        case .unix(let path):
            return "unix://\(path)?db=\(database)\(password == nil ? "" : "&password=***")"
        }
    }
}

extension RedisConfiguration {
    static func hostPort(_ endpoint: Endpoint) -> String {
        switch endpoint {
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path): path
        }
    }
}
