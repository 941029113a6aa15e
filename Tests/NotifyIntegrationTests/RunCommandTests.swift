import Foundation
import NotifyStore
import NotifyTestSupport
import Redis
import Testing
import Transport

/// `notifyme run`, `keys create` and `dev-token` as processes: embedded Redis, outbox, clean stop.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct RunCommandTests {
    let transport = CurlTransport()

    var harness: RunHarness { RunHarness(transport: transport) }

    func http(_ method: String, _ url: String, token: String? = nil, body: String? = nil) async throws -> HTTPResponse {
        try await harness.http(method, url, token: token, body: body)
    }

    @Test func embeddedRunDeliversToOutboxAndStopsCleanly() async throws {
        let dataDir = try Loopback.temporaryDirectory("nm-run")
        let port = try Loopback.freePort()
        let simPort = try Loopback.freePort()
        let env = ["NOTIFYME_DATA_DIR": dataDir.path, "NOTIFYME_HTTP_PORT": "\(port)", "NOTIFYME_REDIS_URL": "", "NOTIFYME_SMTP_URL": "",
                   "NOTIFYME_SIMULATOR_PORT": "\(simPort)", "NOTIFYME_SIMULATOR_HTTP2_PORT": "\(try Loopback.freePort())"]

        // Before `run`: the key command starts the embedded Redis itself and the key persists (AOF).
        let key = try await NotifymeBinary.run(["keys", "create", "--entity", "moi.passports", "--events", "identity.*"], env: env)
        #expect(key.code == 0, "\(key.err)")
        #expect(key.out.hasPrefix("nmk_") && key.out.split(separator: "\n").count == 1)
        let token = try await NotifymeBinary.run(["dev-token", "--cpr", "880101234"], env: env)
        #expect(token.code == 0, "\(token.err)")
        #expect(token.out.split(separator: ".").count == 3)
        let socket = dataDir.appendingPathComponent("redis.sock").path
        #expect(NotifymeBinary.processes(mentioning: socket).isEmpty, "keys create left its Redis running")

        let (run, started) = try await harness.startReady(env, workDir: dataDir)
        defer { run.stop(signal: SIGKILL) }
        let base = "http://127.0.0.1:\(started["NOTIFYME_HTTP_PORT"] ?? "")"
        let liveSimPort = Int(started["NOTIFYME_SIMULATOR_PORT"] ?? "") ?? simPort
        #expect(NotifymeBinary.processes(mentioning: socket).count == 1)
        #expect(FileManager.default.fileExists(atPath: dataDir.appendingPathComponent("appendonlydir").path))

        let trimmedToken = token.out.trimmingCharacters(in: .whitespacesAndNewlines)
        let trimmedKey = key.out.trimmingCharacters(in: .whitespacesAndNewlines)
        let put = try await http("PUT", "\(base)/v1/me/contact", token: trimmedToken, body: #"{"email":"fatima@example.bh","phone":"+973 3600 1234","language":"en"}"#)
        #expect(put.status == 200, "\(put.bodyString)")
        let outbox = dataDir.appendingPathComponent("outbox")
        let codeMail = try #require(try await harness.waitForMail(in: outbox, subject: "Your verification code"), "no code in the outbox:\n\(run.output)")
        let code = try #require(MailText.code(in: MailText.decodedBodies(codeMail)))
        let verified = try await http("POST", "\(base)/v1/me/contact/verify", token: trimmedToken, body: #"{"channel":"email","code":"\#(code)"}"#)
        #expect(verified.status == 200, "\(verified.bodyString)")

        // The phone's code goes out as SMS through the embedded provider simulator.
        let smsCode = try #require(try await harness.waitForSMSCode(simPort: liveSimPort, to: "+97336001234"), "no SMS at the simulator:\n\(run.output)")
        let phoneVerified = try await http("POST", "\(base)/v1/me/contact/verify", token: trimmedToken, body: #"{"channel":"sms","code":"\#(smsCode)"}"#)
        #expect(phoneVerified.status == 200, "\(phoneVerified.bodyString)")
        let me = try await http("GET", "\(base)/v1/me", token: trimmedToken, body: nil)
        #expect(me.bodyString.contains(#""sms":true"#), "\(me.bodyString)")

        // The simulator posts its signed delivery receipt back to the API: the SMS ends `delivered`.
        var smsStatus = "", smsId = ""
        for _ in 0..<50 where smsStatus != "delivered" {
            let mine = try await http("GET", "\(base)/v1/me/notifications", token: trimmedToken, body: nil)
            let items = ((try? JSONSerialization.jsonObject(with: Data(mine.body))) as? [String: Any])?["items"] as? [[String: Any]] ?? []
            let sms = items.first { $0["channel"] as? String == "sms" }
            (smsStatus, smsId) = (sms?["status"] as? String ?? "", sms?["id"] as? String ?? "")
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(smsStatus == "delivered", "\(run.output)")
        // Its timeline lines are longer than Redis's default listpack limit; the embedded server keeps the record compact.
        let redis = RedisClient(configuration: try RedisConfiguration(url: "unix://\(socket)"))
        defer { redis.close() }
        #expect(try await redis.send("HLEN", Keys.notification(smsId)).int ?? 0 > 10)
        #expect(try await redis.send("OBJECT", "ENCODING", Keys.notification(smsId)).string == "listpack")
        // Its AOF rewrites spend no CPU compressing values.
        #expect(try await redis.send("CONFIG", "GET", "rdbcompression").array?.last?.string == "no")
        // Rewrites come once the AOF has grown to four times its rewritten size, not twice.
        #expect(try await redis.send("CONFIG", "GET", "auto-aof-rewrite-percentage").array?.last?.string == "300")
        // The service allocates through jemalloc, linked in place of glibc's malloc.
        // Read to the end: /proc gives its size as 0, and reading by that size stops at the first page.
        let mapsFile = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/\(run.pid)/maps"))
        let maps = String(decoding: try mapsFile.readToEnd() ?? Data(), as: UTF8.self)
        #expect(maps.contains("libjemalloc"), "notifyme run has no jemalloc mapped")

        let pub = try await http("POST", "\(base)/v1/events", token: trimmedKey, body: Req.expiryEvent)
        #expect(pub.status == 202, "\(pub.bodyString)")
        let mail = try #require(try await harness.waitForMail(in: outbox, subject: "Your passport expires on 2026-12-24"), "no email in the outbox:\n\(run.output)")
        #expect(mail.contains("To: fatima@example.bh"))

        run.stop(signal: SIGTERM, timeout: 15)
        #expect(!run.isRunning)
        #expect(run.output.contains("NotifyMe stopped"))
        #expect(NotifymeBinary.processes(mentioning: socket).isEmpty, "redis-server outlived notifyme")
        // No contact detail or code in the logs.
        #expect(!run.output.contains("fatima@example.bh"))
        #expect(!run.output.contains("36001234"))
        #expect(!run.output.contains(code))
    }

    @Test func runKilledOutrightLeavesARedisTheNextRunTakesOver() async throws {
        let dataDir = try Loopback.temporaryDirectory("nm-kill")
        let env = ["NOTIFYME_DATA_DIR": dataDir.path, "NOTIFYME_HTTP_PORT": "\(try Loopback.freePort())", "NOTIFYME_REDIS_URL": "",
                   "NOTIFYME_SIMULATOR_PORT": "\(try Loopback.freePort())", "NOTIFYME_SIMULATOR_HTTP2_PORT": "\(try Loopback.freePort())"]
        let socket = dataDir.appendingPathComponent("redis.sock").path
        let (first, env1) = try await harness.startReady(env, workDir: dataDir)
        let port = env1["NOTIFYME_HTTP_PORT"] ?? ""
        let key = try await NotifymeBinary.run(["keys", "create", "--entity", "e1", "--events", "*"], env: env)
        #expect(key.code == 0)
        first.stop(signal: SIGKILL)
        #expect(NotifymeBinary.processes(mentioning: socket).count == 1, "the orphaned redis-server is expected to survive SIGKILL")

        let second = try NotifymeBinary.start(env: env1, workDir: dataDir)
        defer { second.stop(signal: SIGKILL) }
        try await harness.waitReady("http://127.0.0.1:\(port)", second)
        #expect(second.output.contains("took over the embedded redis-server"))
        // The key made before the crash is still there.
        let probe = try await http("GET", "http://127.0.0.1:\(port)/v1/events/evt_00000000000000000000000000000000",
                                   token: key.out.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(probe.status == 404)
        second.stop(signal: SIGTERM, timeout: 15)
        #expect(!second.isRunning)
        #expect(NotifymeBinary.processes(mentioning: socket).isEmpty, "redis-server outlived notifyme")
    }

    @Test func externalRedisURLStartsNoServer() async throws {
        let redis = try RedisServer.start()
        defer { redis.stop() }
        let dataDir = try Loopback.temporaryDirectory("nm-ext")
        let port = try Loopback.freePort()
        let env = ["NOTIFYME_DATA_DIR": dataDir.path, "NOTIFYME_HTTP_PORT": "\(port)", "NOTIFYME_REDIS_URL": redis.url]
        let key = try await NotifymeBinary.run(["keys", "create", "--entity", "e1", "--events", "*"], env: env)
        #expect(key.code == 0, "\(key.err)")
        let (run, _) = try await harness.startReady(env, workDir: dataDir)
        defer { run.stop(signal: SIGKILL) }
        #expect(!FileManager.default.fileExists(atPath: dataDir.appendingPathComponent("redis.sock").path))
        #expect(NotifymeBinary.processes(mentioning: dataDir.path).filter { $0 != run.pid }.isEmpty)
        run.stop(signal: SIGTERM, timeout: 15)
        #expect(!run.isRunning)
    }

    @Test func invalidConfigurationStopsStartupNamingTheKey() async throws {
        let r = try await NotifymeBinary.run(["run"], env: ["NOTIFYME_HTTP_PORT": "eighty"])
        #expect(r.code == 78)
        #expect(r.err.contains("NOTIFYME_HTTP_PORT"))
        let bad = try Loopback.temporaryDirectory("nm-cfg").appendingPathComponent("bad.yaml")
        try "redis:\n  commandTimeout: whenever\n".write(to: bad, atomically: true, encoding: .utf8)
        let r2 = try await NotifymeBinary.run(["run"], env: ["NOTIFYME_CONFIG": bad.path])
        #expect(r2.code == 78)
        #expect(r2.err.contains("redis.commandTimeout"))
        for url in ["redis+cluster://10.0.0.1:7000,,10.0.0.2:7001", "redis+cluster://10.0.0.1:7000/2", "redis://cache:99999"] {
            let r3 = try await NotifymeBinary.run(["api"], env: ["NOTIFYME_REDIS_URL": url])
            #expect(r3.code == 78, "\(url): \(r3.err)")
            #expect(r3.err.contains("'redis.url'"), "\(url): \(r3.err)")
        }
    }

    @Test func cliRefusesBadArguments() async throws {
        let env = ["NOTIFYME_DATA_DIR": try Loopback.temporaryDirectory("nm-cli").path]
        #expect(try await NotifymeBinary.run(["dev-token", "--cpr", "12"], env: env).code == 64)
        #expect(try await NotifymeBinary.run(["keys", "create", "--entity", "x", "--events", "a*b"], env: env).code == 64)
        let production = try Loopback.temporaryDirectory("nm-prod").appendingPathComponent("prod.yaml")
        try "identity:\n  development: false\n".write(to: production, atomically: true, encoding: .utf8)
        let refused = try await NotifymeBinary.run(["dev-token", "--cpr", "880101234"], env: env.merging(["NOTIFYME_CONFIG": production.path]) { $1 })
        #expect(refused.code == 78)
        #expect(refused.out.isEmpty)
        let help = try await NotifymeBinary.run(["--help"], env: env)
        #expect(help.out.contains("run") && help.out.contains("dev-token") && help.out.contains("keys"))
    }

    /// Each command's discussion is written for an 80-column terminal: the argument parser wraps a longer line where it
    /// overflows, which left fragments of lines alone and broke the aligned lists. Rendered unwrapped (COLUMNS), every
    /// discussion line must fit on its own.
    @Test func everyCommandsHelpFitsEightyColumns() async throws {
        let env = ["NOTIFYME_DATA_DIR": try Loopback.temporaryDirectory("nm-cli").path, "COLUMNS": "400"]
        let commands = [[], ["run"], ["api"], ["worker"], ["bench"], ["chaos"], ["dev-token"], ["keys", "create"], ["keys", "revoke"],
                        ["admin"], ["admin", "failures", "list"], ["admin", "failures", "replay"]]
        for command in commands {
            let help = try await NotifymeBinary.run(command + ["--help"], env: env)
            #expect(help.code == 0 && help.out.contains("OVERVIEW:"), "\(command)")
            // The abstract is one paragraph the parser wraps as a whole; the discussion follows it, up to the usage.
            let discussion = help.out.components(separatedBy: "USAGE:")[0].components(separatedBy: "\n\n").dropFirst()
            let long = discussion.flatMap { $0.split(separator: "\n") }.filter { $0.count > 80 }
            #expect(long.isEmpty, "notifyme \(command.joined(separator: " ")) --help: \(long)")
            // An option's help is one paragraph: a line joined with its indentation leaves a gap in the text.
            let options = help.out.components(separatedBy: "OPTIONS:").dropFirst().joined().split(separator: "\n")
            let gaps = options.filter { $0.dropFirst(26).contains(/\S {3,}\S/) }
            #expect(gaps.isEmpty, "notifyme \(command.joined(separator: " ")) --help: \(gaps)")
        }
    }
}
