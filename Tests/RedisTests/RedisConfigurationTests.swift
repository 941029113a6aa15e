import Testing
import Redis

@Suite struct RedisConfigurationTests {
    @Test func tcpWithPasswordAndDatabase() throws {
        let config = try RedisConfiguration(url: "redis://:s3cret@cache.internal:6380/4")
        #expect(config.endpoint == .tcp(host: "cache.internal", port: 6380))
        #expect(config.password == "s3cret")
        #expect(config.username == nil)
        #expect(config.database == 4)
    }

    @Test func tcpDefaults() throws {
        let config = try RedisConfiguration(url: "redis://127.0.0.1", connectTimeout: .seconds(1), commandTimeout: .milliseconds(500))
        #expect(config.endpoint == .tcp(host: "127.0.0.1", port: 6379))
        #expect(config.password == nil)
        #expect(config.database == 0)
        #expect(config.connectTimeout == .seconds(1))
        #expect(config.commandTimeout == .milliseconds(500))
        #expect(try RedisConfiguration(url: "redis://localhost:7000/").database == 0)
    }

    @Test func userPasswordAndPercentEncoding() throws {
        let config = try RedisConfiguration(url: "redis://worker:p%40ss%2Fw0rd@10.0.0.5:6379/2")
        #expect(config.username == "worker")
        #expect(config.password == "p@ss/w0rd")
        #expect(config.database == 2)
        #expect(config.endpoint == .tcp(host: "10.0.0.5", port: 6379))
    }

    @Test func ipv6Host() throws {
        let config = try RedisConfiguration(url: "redis://[::1]:6390/1")
        #expect(config.endpoint == .tcp(host: "::1", port: 6390))
        #expect(config.database == 1)
    }

    @Test func unixSocketWithQuery() throws {
        let config = try RedisConfiguration(url: "unix:///var/run/redis/redis.sock?db=3&password=pw")
        #expect(config.endpoint == .unix(path: "/var/run/redis/redis.sock"))
        #expect(config.database == 3)
        #expect(config.password == "pw")
        let plain = try RedisConfiguration(url: "unix:///tmp/r.sock")
        #expect(plain.endpoint == .unix(path: "/tmp/r.sock"))
        #expect(plain.database == 0)
    }

    @Test func descriptionHidesPassword() throws {
        let config = try RedisConfiguration(url: "redis://:topsecret@h:1/2")
        #expect(!config.description.contains("topsecret"))
        #expect(config.description.contains("h:1"))
    }

    @Test(arguments: [
        ("127.0.0.1:6379", "scheme"),
        ("http://127.0.0.1", "scheme"),
        ("rediss://127.0.0.1", "TLS"),
        ("redis://", "host"),
        ("redis://:pw@/0", "host"),
        ("redis://host:0", "port"),
        ("redis://host:70000", "port"),
        ("redis://host:abc", "port"),
        ("redis://host:6379/x", "database"),
        ("redis://host:6379/-1", "database"),
        ("unix://", "socket path"),
        ("unix://relative.sock", "socket path"),
        ("unix:///tmp/r.sock?db=x", "db"),
        ("unix:///tmp/r.sock?colour=red", "colour"),
        ("redis://h/0?db", "db"),
        ("redis://[::1:6379", "IPv6"),
        ("redis://:p%zz@h", "percent"),
    ])
    func malformedURLsSayWhatIsWrong(url: String, hint: String) {
        let error = #expect(throws: RedisError.self) { try RedisConfiguration(url: url) }
        #expect(error?.isConfiguration == true)
        #expect(error?.message.localizedStandardContains(hint) == true, "\(url): \(error?.message ?? "no error")")
    }
}
