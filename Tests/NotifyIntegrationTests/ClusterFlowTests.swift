import Foundation
import NotifyCore
import NotifyStore
import NotifyTestSupport
import ProviderSim
import Redis
import Testing
import Transport

/// The whole flow on a three-master Redis Cluster, with the API and the workers as separate processes that share
/// nothing but the cluster and their configuration: residents register and join a topic, an entity publishes to the
/// topic, fan-out and SMS delivery run (the SMS queue in six partitions shared by two processes), the gateway's
/// receipts come back, and a range of slots (including an SMS stream's) moves to another node in the middle of it.
/// Every resident gets the alert exactly once.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct ClusterFlowTests {
    static let topic = "emergency.southern-governorate"
    static let alertText = "Flooding on the coast road"

    @Test func aTopicAlertReachesEveryResidentOnceWhileSlotsMove() async throws {
        let cluster = try await OffPool.run { try RedisCluster.start() }
        defer { cluster.stop() }
        let root = try Loopback.temporaryDirectory("nm-cluster")
        defer { try? FileManager.default.removeItem(at: root) }
        try await ProviderSimulator.withRunning(SimulatorConfiguration(credentialsDirectory: root.appendingPathComponent("sim").path)) { sim in
            let flow = try ClusterFlow(cluster: cluster, sim: sim, root: root)
            defer { flow.stop() }
            try await flow.run(self)
        }
    }

    /// Resident `i` of the seeded population: a verified Bahraini mobile (none ending in 0000, which the simulator refuses), English.
    static func seeded(_ i: Int) throws -> Contact {
        Contact(cpr: try CPR(String(910_000_000 + i)), phone: try PhoneNumber("3\(7_000_001 + i)"), language: .en, verified: [.sms])
    }
}

/// The processes and clients of one cluster flow run.
final class ClusterFlow: Sendable {
    let cluster: RedisCluster
    let sim: ProviderSimulator
    let redis: RedisClient
    let cipher: FieldCipher
    let transport = CurlTransport()
    let port: Int
    let env: [String: String]
    let processes: [ManagedProcess]
    let apiDataDir: String

    var base: String { "http://127.0.0.1:\(port)" }
    var harness: RunHarness { RunHarness(transport: transport) }

    init(cluster: RedisCluster, sim: ProviderSimulator, root: URL) throws {
        self.cluster = cluster
        self.sim = sim
        var secret = [UInt8](repeating: 0, count: 32)
        for i in secret.indices { secret[i] = UInt8.random(in: 0...255) }
        cipher = try FieldCipher(secret: secret)
        redis = RedisClient(configuration: try RedisConfiguration(url: cluster.url), poolSize: 4)
        let port = try Loopback.freePort()
        self.port = port
        let gateway = sim.credentials.gateway
        let config = root.appendingPathComponent("notifyme.yaml")
        try """
            http: {host: 127.0.0.1, port: \(port)}
            catalogue: \(TestEnvironment.root)/Config/events.yaml
            templates: \(TestEnvironment.root)/Templates
            security: {encryptionKey: "\(Data(secret).base64EncodedString())"}
            workers: {visibilityTimeout: 10s, partitions: 6}
            providers:
              simulator: {mode: "off"}
              sms:
                - {name: sim-gateway, type: gateway, url: "\(sim.baseURL)/sms/v1/messages", apiKey: "\(gateway.apiKey)", sender: NotifyMe,
                   callbackURL: "http://127.0.0.1:\(port)/v1/receipts/sim-gateway", webhookSecret: "\(gateway.webhookSecret)"}
              retry: {base: 200ms, cap: 2s}

            """.write(to: config, atomically: true, encoding: .utf8)
        // Each process its own data folder: they share the cluster and the configuration, nothing on disk.
        let env = { (name: String) -> [String: String] in
            ProcessInfo.processInfo.environment.merging([
                "NOTIFYME_CONFIG": config.path, "NOTIFYME_REDIS_URL": cluster.url, "NOTIFYME_HTTP_PORT": String(port),
                "NOTIFYME_DATA_DIR": root.appendingPathComponent(name).path, "NOTIFYME_LOG_LEVEL": "warning", "NOTIFYME_SMTP_URL": "",
            ]) { $1 }
        }
        self.env = env("api")
        apiDataDir = root.appendingPathComponent("api").path
        // Two processes send SMS: they share the six partitions of the SMS queue.
        let roles = [("api", ["api"]), ("fanout", ["worker", "fanout", "scheduler"]), ("delivery", ["worker", "sms", "email", "push"]),
                     ("sms", ["worker", "sms"])]
        processes = try roles.map { name, arguments in
            try FileManager.default.createDirectory(at: root.appendingPathComponent(name), withIntermediateDirectories: true)
            return try ManagedProcess(name: name, executable: NotifymeBinary.path, arguments: arguments, workDir: root.appendingPathComponent(name),
                               environment: env(name), currentDirectory: URL(fileURLWithPath: TestEnvironment.root))
        }
    }

    func stop() {
        for process in processes.reversed() { process.stop(signal: SIGTERM, timeout: 10) }
        redis.close()
        transport.shutdown()
    }

    var logs: String { processes.map { "\($0.name):\n\($0.output.suffix(2000))" }.joined(separator: "\n") }

    func run(_ test: ClusterFlowTests) async throws {
        try await harness.waitReady(base, processes[0])
        let key = try await cli(["keys", "create", "--entity", "moi.alerts", "--events", "emergency.*"])

        // Two residents register through the API: contact, the code the gateway received, verification, the topic.
        var registered: [String] = []
        for (cpr, phone) in [("880301234", "+97336201234"), ("880302345", "+97336202345")] {
            let token = try await cli(["dev-token", "--cpr", cpr])
            let put = try await harness.http("PUT", "\(base)/v1/me/contact", token: token, body: #"{"phone":"\#(phone)","language":"en"}"#)
            #expect(put.status == 200, "\(put.bodyString)")
            let code = try #require(try await waitForCode(to: phone), "no code reached \(phone): \(logs)")
            let verified = try await harness.http("POST", "\(base)/v1/me/contact/verify", token: token, body: #"{"channel":"sms","code":"\#(code)"}"#)
            #expect(verified.status == 200, "\(verified.bodyString)")
            let joined = try await harness.http("PUT", "\(base)/v1/me/topics/\(ClusterFlowTests.topic)", token: token)
            #expect(joined.status == 200, "\(joined.bodyString)")
            registered.append(phone)
        }
        // The rest written straight to the registry through the cluster client, as an import would.
        let seeded = 3000
        let contacts = ContactStore(redis: redis, cipher: cipher)
        var commands: [RedisCommand] = []
        for i in 0..<seeded { commands += try contacts.saveCommands(try ClusterFlowTests.seeded(i), now: Date()) }
        for reply in try await redis.pipeline(commands) { if case .error = reply { Issue.record("seeding: \(reply)") } }
        try await TopicStore(redis: redis).subscribe((0..<seeded).map { try ClusterFlowTests.seeded($0).cpr }, to: ClusterFlowTests.topic)
        let phones = try registered + (0..<seeded).map { try ClusterFlowTests.seeded($0).phone?.e164 ?? "" }

        let published = try await harness.http("POST", "\(base)/v1/events", token: key, body: """
            {"type":"emergency.alert","topic":"\(ClusterFlowTests.topic)","data":{"area":"Southern Governorate","message":"\(ClusterFlowTests.alertText)"}}
            """)
        #expect(published.status == 202, "\(published.bodyString)")
        let eventId = try #require(((try? JSONSerialization.jsonObject(with: Data(published.body))) as? [String: Any])?["id"] as? String)

        // Once a tenth has gone out, move the SMS stream's slot and the slots below it on its node to another node.
        let moved = try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask {
                try await self.waitFor(alerts: phones.count / 10, of: phones)
                let before = try self.alertsReceived().count, started = ContinuousClock.now
                let output = try await OffPool.run { try self.reshardAroundTheSMSStream() }
                print("ClusterFlowTests: the reshard ran from \(before) to \(try self.alertsReceived().count) of \(phones.count) alerts received, "
                      + "in \(ContinuousClock.now - started)")
                return output
            }
            group.addTask {
                try await self.waitFor(alerts: phones.count, of: phones)
                return nil
            }
            return try await group.reduce(into: [String]()) { all, output in if let output { all.append(output) } }
        }
        #expect(moved.count == 1)

        // Every receipt in: the event counts them all delivered.
        var counts: [String: Int] = [:]
        for _ in 0..<300 {
            let event = try await harness.http("GET", "\(base)/v1/events/\(eventId)", token: key)
            counts = (((try? JSONSerialization.jsonObject(with: Data(event.body))) as? [String: Any])?["counts"] as? [String: Int]) ?? [:]
            if counts["delivered"] == phones.count { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(counts["delivered"] == phones.count, "\(counts) \(logs)")
        // Exactly once per resident, from the gateway's own record of what it received.
        let received = try alertsReceived()
        #expect(received.count == phones.count)
        #expect(Set(phones).isSubset(of: Set(received.keys)))
        let twice = received.filter { $0.value != 1 }
        #expect(twice.isEmpty, "\(twice.count) residents got the alert more than once: \(twice.prefix(5))")

        // The six partitions each carried a share, on more than one node, and both SMS processes consumed.
        let queues = ChannelQueues(redis: redis, partitions: 6)
        var consumers: Set<String> = []
        for queue in queues.queues(.sms) {
            #expect(try await redis.send("XLEN", queue.stream).int ?? 0 > 100, "\(queue.stream)")
            let listed = try await redis.send("XINFO", "CONSUMERS", queue.stream, "sms").array ?? []
            for consumer in listed { if let name = consumer.array?[1].string { consumers.insert(name) } }
        }
        #expect(Set(queues.queues(.sms).map { HashSlot.of($0.stream) }).count == 6)
        #expect(consumers.count == 2, "\(consumers)")
        #expect(try await redis.send("ZCARD", Keys.queueMembers("sms")).int == 2)
    }

    private func cli(_ args: [String]) async throws -> String {
        let r = try await NotifymeBinary.run(args, env: env)
        guard r.code == 0 else { throw TestSupportError("notifyme \(args.joined(separator: " ")) exited \(r.code): \(r.err)") }
        return r.out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func waitForCode(to phone: String) async throws -> String? {
        for _ in 0..<150 {
            if let text = try sim.messages(provider: "gateway").last(where: { $0.recipient == phone })?.text,
               let range = text.range(of: #"\d{6}"#, options: .regularExpression) {
                return String(text[range])
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    /// How many times each phone received the alert.
    private func alertsReceived() throws -> [String: Int] {
        try sim.messages(provider: "gateway").filter { $0.text?.contains(ClusterFlowTests.alertText) == true }
            .reduce(into: [:]) { $0[$1.recipient, default: 0] += 1 }
    }

    private func waitFor(alerts: Int, of phones: [String]) async throws {
        let deadline = ContinuousClock.now + .seconds(180)
        while try alertsReceived().count < alerts {
            guard ContinuousClock.now < deadline else {
                throw TestSupportError("only \(try alertsReceived().count) of \(alerts) alerts arrived:\n\(logs)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// `redis-cli --cluster reshard` of the slots from the bottom of an SMS stream's node's range up to the stream's.
    private func reshardAroundTheSMSStream() throws -> String {
        let slot = HashSlot.of(Keys.stream("sms", partition: 0))
        let source = try cluster.slotOwner(slot)
        // A fresh cluster gives each node one contiguous range: the lowest slot of it below the stream's, by bisection.
        var low = 0, high = slot
        while low < high {
            let middle = (low + high) / 2
            if try cluster.slotOwner(middle) == source { high = middle } else { low = middle + 1 }
        }
        let target = cluster.masterPorts().first { $0 != source } ?? source
        let output = try cluster.reshard(slots: max(2000, slot - low + 1), from: source, to: target)
        try cluster.waitUntilStable(timeout: 30)
        guard try cluster.slotOwner(slot) == target else { throw TestSupportError("the SMS stream's slot did not move:\n\(output)") }
        return output
    }
}
