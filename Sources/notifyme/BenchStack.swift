import Foundation
import Logging
import NotifyConfig
import NotifyStore
import ProviderSim
import Redis

#if canImport(Glibc)
import Glibc
#endif

/// What `notifyme bench` runs against: a Redis (its own, AOF on, or a given one), the provider simulator in
/// this process, and NotifyMe processes started from this executable with a configuration written for them.
struct BenchStack: Sendable {
    let directory: String
    let redisURL: String
    let redisPid: pid_t?
    let redis: RedisClient
    let cipher: FieldCipher
    let httpPort: Int
    let configPath: String
    /// The provider simulator, running in this process.
    let sim: ProviderSimulator
    /// The SMTP server email goes to, running in this process; without one, email goes to the service's outbox.
    var smtp: SMTPSimulator?
    /// Streams per channel queue in the NotifyMe processes started.
    var partitions = 1

    var apiBase: String { "http://127.0.0.1:\(httpPort)" }

    /// The environment of every NotifyMe process started: this one's, with the benchmark's configuration winning.
    var environment: [String: String] {
        ProcessInfo.processInfo.environment.merging([
            "NOTIFYME_CONFIG": configPath, "NOTIFYME_REDIS_URL": redisURL, "NOTIFYME_HTTP_PORT": String(httpPort),
            "NOTIFYME_DATA_DIR": "\(directory)/service", "NOTIFYME_LOG_LEVEL": "warning", "NOTIFYME_LOG_FORMAT": "json",
            "NOTIFYME_SMTP_URL": smtp?.url ?? "",
        ]) { $1 }
    }

    /// Writes the configuration of the NotifyMe processes: the catalogue and templates of `base`, SMS through the
    /// simulator's gateway (which posts signed receipts back), push through its FCM, email to `smtp` (or the outbox).
    static func make(base: NotifyConfiguration, redisURL: String, redisPid: pid_t?, directory: String, sim: ProviderSimulator,
                     smtp: SMTPSimulator? = nil, workers: BenchWorkers, logger: Logger) throws -> BenchStack {
        var secret = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for i in secret.indices { secret[i] = UInt8.random(in: 0...255, using: &generator) }
        let port = try freePort()
        let sim1 = sim.baseURL
        let gateway = sim.credentials.gateway
        let yaml = """
            # Written by `notifyme bench` for the NotifyMe processes it starts.
            http: {host: 127.0.0.1, port: \(port)}
            catalogue: \(quote(absolute(base.cataloguePath)))
            templates: \(quote(absolute(base.templatesPath)))
            security: {encryptionKey: \(quote(Data(secret).base64EncodedString()))}
            redis: {poolSize: \(workers.redisPool)}
            publishing: {rate: 1000000, burst: 1000000}
            workers: {fanoutConcurrency: \(workers.fanout), fanoutBatchSize: \(workers.fanoutBatch), smsConcurrency: \(workers.concurrency), \
            pushConcurrency: \(workers.concurrency), emailConcurrency: \(workers.concurrency)\(workers.leaseYAML)}
            providers:
              simulator: {mode: "off"}
              sms:
                - {name: sim-gateway, type: gateway, url: \(quote("\(sim1)/sms/v1/messages")), apiKey: \(quote(gateway.apiKey)), sender: NotifyMe,
                   callbackURL: \(quote("http://127.0.0.1:\(port)/v1/receipts/sim-gateway")), webhookSecret: \(quote(gateway.webhookSecret))}
              push:
                - {name: sim-fcm, type: fcm, url: \(quote("\(sim1)/fcm")), serviceAccountFile: \(quote("\(directory)/simulator/fcm-service-account.json"))}
            \(workers.retryYAML)

            """
        let configPath = "\(directory)/notifyme-bench.yaml"
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
        let redis = RedisClient(configuration: try RedisConfiguration(url: redisURL), poolSize: 8, logger: logger)
        return BenchStack(directory: directory, redisURL: redisURL, redisPid: redisPid, redis: redis, cipher: try FieldCipher(secret: secret),
                          httpPort: port, configPath: configPath, sim: sim, smtp: smtp, partitions: workers.partitions)
    }

    /// Starts this executable with `arguments` (`run`, or `worker <roles>`); with `waitForAPI`, waits until
    /// /health/ready answers, otherwise only checks that it did not exit at once.
    func startService(_ name: String, _ arguments: [String], waitForAPI: Bool, http: BenchHTTP) async throws -> BenchService {
        let service = try BenchService.start(arguments, name: name, environment: environment, directory: directory)
        guard waitForAPI else {
            try await Task.sleep(for: .milliseconds(500))
            guard service.isRunning else { throw CLI.fail("\(name) exited at start:\n\(service.logTail)") }
            return service
        }
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let r = try? await http.get("\(apiBase)/health/ready"), r.status == 200 { return service }
            guard service.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        service.stop(grace: 2)
        throw CLI.fail("\(name) did not become ready; its log:\n\(service.logTail)")
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw CLI.fail("socket() failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok else { throw CLI.fail("no free port on 127.0.0.1") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    private static func absolute(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }

    /// A YAML double-quoted scalar (JSON string syntax is valid YAML).
    private static func quote(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return String(decoding: (try? encoder.encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
    }
}

/// Worker settings of the NotifyMe processes the benchmark starts.
struct BenchWorkers: Sendable {
    var fanout = 2
    var fanoutBatch = 1000
    var concurrency = 64
    var redisPool = 16
    /// `workers.partitions`: streams per channel queue.
    var partitions = 1
    /// `workers.visibilityTimeout` and `workers.maxAttempts`; nil keeps the defaults. `notifyme chaos` shortens the lease so a
    /// killed worker's entries come back within seconds.
    var visibilityTimeout: String?
    var maxAttempts: Int?
    /// `providers.retry` (base, cap); nil keeps the defaults.
    var retry: (base: String, cap: String)?

    var leaseYAML: String {
        (visibilityTimeout.map { ", visibilityTimeout: \($0)" } ?? "") + (maxAttempts.map { ", maxAttempts: \($0)" } ?? "")
            + ", partitions: \(partitions)"
    }

    var retryYAML: String { retry.map { "  retry: {base: \($0.base), cap: \($0.cap)}" } ?? "" }
}
