/// Where and how to connect.
///
/// URL forms: `redis://[:password@]host[:port][/db]`, `redis://user:password@host:port/db`,
/// `unix:///path/to/socket[?db=N&password=...&user=...]`.
public struct RedisConfiguration: Sendable, Hashable {
    /// A TCP host and port, or a unix socket path.
    public enum Endpoint: Sendable, Hashable {
        case tcp(host: String, port: Int)
        case unix(path: String)
    }

    public var endpoint: Endpoint
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
        commandTimeout: Duration = .seconds(5)
    ) {
        self.endpoint = endpoint
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
            commandTimeout: commandTimeout
        )
    }
}

extension RedisConfiguration: CustomStringConvertible {
    /// The endpoint and database, never the password.
    public var description: String {
        let auth = password == nil ? "" : (username.map { "\($0):***@" } ?? ":***@")
        switch endpoint {
        case .tcp(let host, let port):
            let shownHost = host.contains(":") ? "[\(host)]" : host
            return "redis://\(auth)\(shownHost):\(port)/\(database)"
        case .unix(let path):
            return "unix://\(path)?db=\(database)\(password == nil ? "" : "&password=***")"
        }
    }
}
