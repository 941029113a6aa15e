import Foundation
import NotifyTestSupport
import Testing

/// `notifyme bench` at a small size: every scenario runs against the processes it starts, and the summary adds up.
@Suite(.serialized, .timeLimit(.minutes(4)))
struct BenchCommandTests {
    /// Microseconds per notification Redis spent in EVALSHA, from a run's `redisCommandCosts`, when it made calls.
    static func scriptCost(_ run: [String: Any]) -> Double {
        let costs = run["redisCommandCosts"] as? [[String: Any]] ?? []
        guard let script = costs.first(where: { $0["command"] as? String == "EVALSHA" }), (script["calls"] as? Double ?? 0) > 0 else { return 0 }
        return script["microseconds"] as? Double ?? 0
    }

    /// Runs `notifyme bench` with `args` and `--json` in a folder of its own, which `body` gets with the exit code, the
    /// output and the summary; the folder goes after.
    static func withBench(_ args: [String],
                          _ body: (_ result: (code: Int32, out: String, err: String), _ summary: [String: Any], _ dir: URL) throws -> Void) async throws {
        let dir = try Loopback.temporaryDirectory("nm-bench")
        defer { try? FileManager.default.removeItem(at: dir) }
        let summaryPath = dir.appendingPathComponent("summary.json").path
        let result = try await NotifymeBinary.run(["bench"] + args + ["--json", summaryPath], env: ["TMPDIR": dir.path])
        #expect(result.code == 0, "\(result.out)\n\(result.err)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summaryPath))) as? [String: Any])
        try body(result, summary, dir)
    }

    @Test func aRunAgainstAClusterSpreadsItsQueuesAndAddsUpEveryMaster() async throws {
        let cluster = try await OffPool.run { try RedisCluster.start() }
        defer { cluster.stop() }
        let args = ["--redis", cluster.url, "--partitions", "3", "--only", "delivery,fanout", "--residents", "100", "--topic-size", "1000"]
        try await Self.withBench(args) { result, summary, _ in
            #expect(result.out.contains("the given Redis Cluster (3 masters), 3 partitions per channel queue"), "\(result.out)")
            let machine = try #require(summary["machine"] as? [String: Any])
            #expect(machine["redisMasters"] as? Int == 3 && machine["partitions"] as? Int == 3)
            let delivery = summary["delivery"] as? [[String: Any]] ?? []
            #expect(delivery.map { $0["notifications"] as? Int } == [100, 100, 100, 300])
            for run in delivery {
                #expect((run["redisCommandsPerNotification"] as? Double ?? 0) > 1)
                // Redis's CPU is read from each master's INFO, so a given cluster's counts too.
                let cpu = run["cpuMicrosecondsPerNotification"] as? [String: Double] ?? [:]
                #expect((cpu["redis"] ?? 0) > 0 && (cpu["redisAOFRewrites"] ?? -1) >= 0, "\(cpu)")
                #expect(run["redisAOFRewrites"] is Int)
                #expect(Self.scriptCost(run) > 0, "\(run)")
            }
            // The ceiling of Redis's serving threads counts every master's.
            if let tail = delivery.lazy.compactMap({ $0["tail"] as? [String: Any] }).first {
                #expect(tail["redisCeilingPerSecond"] is Double, "\(tail)")
                #expect(result.out.contains("Redis's 3 masters' threads (the load spread evenly) at most"), "\(result.out)")
            }
            #expect((summary["fanout"] as? [String: Any])?["queued"] as? Int == 1000)
            // Every master holds part of the data: the load spread over the cluster.
            for port in cluster.ports {
                let keys = Int(try cluster.redisCLI(port: port, ["DBSIZE"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
                #expect(keys > 300, "127.0.0.1:\(port) holds \(keys) keys")
            }
        }
    }

    @Test func aSmallRunMeasuresEveryScenario() async throws {
        try await Self.withBench(["--residents", "100", "--topic-size", "1000", "--rate", "25", "--seconds", "2"]) { result, summary, dir in
            for line in ["publish latency at 25/s", "end to end, sms: 100 notifications", "end to end, mixed: 300 notifications",
                         "fan-out of a 1,000-resident topic", "per million"] {
                #expect(result.out.contains(line), "\(line) missing from:\n\(result.out)")
            }

            for name in ["publishLatency", "publishLatencyAPIAlone"] {
                let latency = try #require(summary[name] as? [String: Any])
                #expect(latency["requests"] as? Int == 50)
                #expect(latency["errors"] as? Int == 0)
                let p50 = latency["p50Ms"] as? Double ?? 0, p99 = latency["p99Ms"] as? Double ?? 0
                #expect(p50 > 0 && p99 >= p50)
            }
            #expect(result.out.contains("(notifyme api alone)"), "\(result.out)")

            let delivery = summary["delivery"] as? [[String: Any]] ?? []
            #expect(delivery.map { $0["channel"] as? String } == ["sms", "email", "push", "mixed"])
            #expect(delivery.map { $0["notifications"] as? Int } == [100, 100, 100, 300])
            for run in delivery {
                #expect((run["perSecond"] as? Double ?? 0) > 0)
                #expect((run["redisCommandsPerNotification"] as? Double ?? 0) > 1)
                let cpu = run["cpuMicrosecondsPerNotification"] as? [String: Double] ?? [:]
                #expect((cpu["service"] ?? 0) > 0 && (cpu["redis"] ?? 0) > 0, "\(cpu)")
                // Where Redis's time went, by command: every status move is a script.
                #expect(Self.scriptCost(run) > 0, "\(run)")
            }
            #expect(result.out.contains("Redis time per notification by command (a script's commands count in its line too): EVALSHA "), "\(result.out)")
            // The SMS worker's concurrent sends reach the gateway as batch requests.
            #expect((delivery.first?["gatewayMessagesPerBatch"] as? Double ?? 0) > 1, "\(result.out)")
            // Email goes to the bench's SMTP server, as it would to a real one, not to the outbox's files.
            #expect(delivery.map { $0["smtpMessages"] as? Int } == [0, 100, 0, 100], "\(result.out)")

            // The host's speed before and after, so that figures from other hosts or hours can be set beside these.
            let machine = try #require(summary["machine"] as? [String: Any])
            for key in ["referenceAtStart", "referenceAtEnd"] {
                let reference = machine[key] as? [String: Double] ?? [:]
                #expect((reference["cpuLoopMs"] ?? 0) > 1 && (reference["memoryReadNanoseconds"] ?? 0) > 1, "\(key): \(machine)")
            }
            #expect(result.out.contains("host reference: a fixed CPU loop in "), "\(result.out)")

            let fanout = try #require(summary["fanout"] as? [String: Any])
            #expect(fanout["queued"] as? Int == 1000)
            #expect((fanout["redisBytesPerMillionQueued"] as? Double ?? 0) > 0)
            #expect(Self.scriptCost(fanout) > 0, "\(fanout)")
            let memory = try #require(summary["memory"] as? [String: Any])
            let services = memory["servicePeakBytes"] as? [String: Int] ?? [:]
            #expect((services["run"] ?? 0) > 0 && (services["worker fanout"] ?? 0) > 0)
            #expect((memory["redisPeakRSSBytes"] as? Int ?? 0) > 0)

            // Nothing left running, and its working folder is gone.
            #expect(NotifymeBinary.processes(mentioning: dir.path).isEmpty)
            let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("notifyme-bench") }
            #expect(left.isEmpty)
        }
    }

    @Test func repeatedRunsOfChosenCohortsPrintTheirMediansAndTheCostOfWhatTheyLeftGoing() async throws {
        try await Self.withBench(["--only", "delivery", "--cohorts", "push,sms", "--repeat", "3", "--residents", "60"]) { result, summary, _ in
            // Only the cohorts asked for are registered and run, in the bench's order, three times over.
            #expect((summary["seeding"] as? [[String: Any]] ?? []).map { $0["cohort"] as? String } == ["sms", "push"])
            let delivery = summary["delivery"] as? [[String: Any]] ?? []
            #expect(delivery.map { $0["channel"] as? String } == ["sms", "push", "sms", "push", "sms", "push"])
            #expect(delivery.map { $0["round"] as? Int } == [1, 1, 2, 2, 3, 3])
            // Each repeat is a new alert: every resident gets each one.
            #expect(delivery.allSatisfy { $0["notifications"] as? Int == 60 })
            for channel in ["sms", "push"] {
                let rates = delivery.filter { $0["channel"] as? String == channel }.compactMap { $0["perSecond"] as? Double }.sorted()
                #expect(rates.count == 3)
                #expect(result.out.contains("median of 3 runs, \(channel): \(Self.grouped(rates[1])) per second"), "\(rates)\n\(result.out)")
            }
            #expect(result.out.contains("end to end, sms (run 2): 60 notifications"), "\(result.out)")
            // SMS receipts come after the last acceptance: counted with the tail, the run costs more commands than inside it.
            for run in delivery {
                let tail = try #require(run["tail"] as? [String: Any], "\(run)")
                #expect((tail["seconds"] as? Double ?? -1) >= 0)
                let inside = run["redisCommandsPerNotification"] as? Double ?? 0
                #expect((tail["redisCommandsPerNotification"] as? Double ?? 0) >= inside, "\(run)")
                let cpu = tail["cpuMicrosecondsPerNotification"] as? [String: Double] ?? [:]
                #expect((cpu["service"] ?? 0) > 0 && (cpu["redis"] ?? 0) > 0, "\(tail)")
                // The ceilings are what the cost allows: all cores over the three processes' CPU, one over what Redis's
                // serving thread spent (its AOF rewrites are forked children, on the other core).
                let total = ["service", "simulator", "redis"].reduce(0) { $0 + (cpu[$1] ?? 0) }
                let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
                #expect(abs((tail["ceilingPerSecond"] as? Double ?? 0) - cores * 1e6 / total) < 1e-6 * cores * 1e6 / total, "\(tail)")
                let serving = (cpu["redis"] ?? 0) - (cpu["redisAOFRewrites"] ?? -1)
                #expect(cpu["redisAOFRewrites"] != nil && serving > 0, "\(tail)")
                #expect(abs((tail["redisCeilingPerSecond"] as? Double ?? 0) - 1e6 / serving) < 1e-6 * 1e6 / serving, "\(tail)")
            }
            let sms = delivery.filter { $0["channel"] as? String == "sms" }
            #expect(sms.contains { run in
                ((run["tail"] as? [String: Any])?["redisCommandsPerNotification"] as? Double ?? 0) > (run["redisCommandsPerNotification"] as? Double ?? 0)
            }, "\(sms)")
            #expect(result.out.contains("with what the run left going (receipts, counts), quiet"), "\(result.out)")
            let ceiling = try #require((delivery.last?["tail"] as? [String: Any])?["ceilingPerSecond"] as? Double)
            #expect(result.out.contains("cores carry at most \(Self.grouped(ceiling)) per second (every core busy), Redis's one thread at most"),
                    "\(result.out)")
        }
    }

    /// A rate as the bench prints it: no decimals, thousands grouped with commas.
    static func grouped(_ value: Double) -> String {
        let digits = String(format: "%.0f", value)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }

    /// Whether perf samples on this machine: nil when it is not installed.
    static func perfSamples() async throws -> Bool? {
        try await OffPool.run {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["perf", "record", "--quiet", "-o", "/dev/null", "--", "true"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            return p.terminationStatus == 127 ? nil : p.terminationStatus == 0
        }
    }

    @Test func aProfiledRunSaysWhereEachProcessSpentItsTime() async throws {
        let perf = try await Self.perfSamples()
        try await Self.withBench(["--only", "delivery", "--cohorts", "sms", "--residents", "3000", "--profile"]) { result, summary, _ in
            let run = try #require((summary["delivery"] as? [[String: Any]])?.first)
            guard perf == true else {
                #expect(run["profile"] == nil)
                #expect(result.out.contains(perf == nil ? "no profile: perf is not installed" : "no profile: perf cannot sample here"), "\(result.out)")
                return
            }
            let profile = try #require(run["profile"] as? [String: [String: Any]], "\(run)")
            #expect(Set(profile.keys) == ["service", "simulator", "redis"])
            var cpu = run["cpuMicrosecondsPerNotification"] as? [String: Double] ?? [:]
            // Redis's samples are its own process's: an AOF rewrite (a forked child) is not in them.
            cpu["redis"] = (cpu["redis"] ?? 0) - (cpu["redisAOFRewrites"] ?? 0)
            for (process, figures) in profile {
                func shares(_ key: String) -> [(name: String, percent: Double, microseconds: Double)] {
                    (figures[key] as? [[String: Any]] ?? []).map { ($0["name"] as? String ?? "", $0["percent"] as? Double ?? -1, $0["microseconds"] as? Double ?? -1) }
                }
                #expect((figures["samples"] as? Int ?? 0) > 20, "\(process): \(figures)")
                // Every sample is in one module: the modules add up to the whole process, in share and in time.
                let modules = shares("modules")
                #expect(abs(modules.reduce(0) { $0 + $1.percent } - 100) < 0.01, "\(process): \(modules)")
                #expect(abs(modules.reduce(0) { $0 + $1.microseconds } - (cpu[process] ?? 0)) < 0.01 * max(1, cpu[process] ?? 0), "\(process): \(modules) \(cpu)")
                for key in ["modules", "functions", "ownCode"] {
                    // The modules past the tenth are summed last, as `other`.
                    let list = shares(key).filter { $0.name != "other" }
                    #expect(list.map(\.percent) == list.map(\.percent).sorted(by: >), "\(process) \(key) is not most first: \(list)")
                    #expect(Set(list.map(\.name)).count == list.count, "\(process) \(key) names a function twice: \(list)")
                }
                // Swift names are demangled and cut to the function (no signature, no mangling, no thunks).
                for f in shares("ownCode") + shares("functions") {
                    #expect(!f.name.contains("$s") && !f.name.contains("(") && !f.name.contains(" in "), "\(process): \(f.name)")
                }
            }
            let service = (profile["service"]?["ownCode"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(service.contains { $0.hasPrefix("NotifyWorkers.") || $0.hasPrefix("NotifyStore.") }, "\(service)")
            #expect(service.allSatisfy { name in ["notifyme", "NotifyStore", "NotifyAPI", "NotifyWorkers", "NotifyCore", "NotifyConfig", "Redis", "Transport"]
                .contains { name.hasPrefix($0 + ".") } }, "\(service)")
            let simulator = (profile["simulator"]?["ownCode"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(simulator.contains { $0.hasPrefix("ProviderSim.") }, "\(simulator)")
            let redis = (profile["redis"]?["modules"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(redis.contains("redis-server"), "\(redis)")
            for process in ["service", "simulator", "redis"] { #expect(result.out.contains("profile of \(process) (perf, "), "\(result.out)") }
            #expect(result.out.contains("its own code, with what it called: ") && result.out.contains("functions alone: "))
        }
    }

    @Test func aProfileThatPerfCannotTakeIsSaidAndTheRunGoesOn() async throws {
        // A perf that fails as one refused by the kernel does, first on the PATH.
        let bin = try Loopback.temporaryDirectory("nm-fake-perf")
        defer { try? FileManager.default.removeItem(at: bin) }
        let perf = bin.appendingPathComponent("perf")
        try "#!/bin/sh\necho 'Error: perf_event_open refused (perf_event_paranoid)' >&2\nexit 255\n".write(to: perf, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: perf.path)
        let path = bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let dir = try Loopback.temporaryDirectory("nm-bench")
        defer { try? FileManager.default.removeItem(at: dir) }
        let summaryPath = dir.appendingPathComponent("summary.json").path
        let result = try await NotifymeBinary.run(["bench", "--only", "delivery", "--cohorts", "sms", "--residents", "100", "--profile", "--json", summaryPath],
                                                  env: ["TMPDIR": dir.path, "PATH": path])
        #expect(result.code == 0, "\(result.out)\n\(result.err)")
        #expect(result.out.contains("no profile: perf cannot sample here: Error: perf_event_open refused (perf_event_paranoid)"), "\(result.out)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summaryPath))) as? [String: Any])
        let run = try #require((summary["delivery"] as? [[String: Any]])?.first)
        #expect(run["notifications"] as? Int == 100 && run["profile"] == nil, "\(run)")
    }

    @Test func aSteadyRunSamplesMemoryAtTheStartAndTheEnd() async throws {
        try await Self.withBench(["--only", "steady", "--residents", "50", "--steady-rate", "30", "--steady-seconds", "12"]) { result, summary, _ in
            #expect(result.out.contains("steady 30 notifications/s for 12 s: notifyme run RSS"), "\(result.out)")
            let steady = try #require(summary["steady"] as? [String: Any])
            #expect(steady["eventsFailed"] as? Int == 0)
            #expect((steady["serviceRSSStartBytes"] as? Int ?? 0) > 0 && (steady["serviceRSSEndBytes"] as? Int ?? 0) > 0)
            #expect((steady["redisRSSStartBytes"] as? Int ?? 0) > 0)
            #expect((steady["drainSeconds"] as? Double ?? -1) >= 0)
            // One sample every ten seconds while publishing, one after warm-up, one at the end.
            let samples = steady["samples"] as? [[String: Any]] ?? []
            #expect(samples.map { $0["second"] as? Int ?? -1 }.prefix(3) == [0, 1, 10])
            #expect(samples.count == 4)
        }
    }

    @Test func badOptionsAreUsageErrors() async throws {
        for args in [["--only", "everything"], ["--residents", "0"], ["--rate", "-5"], ["--steady-rate", "0"], ["--concurrency", "4097"],
                     ["--cohorts", "fax"], ["--cohorts", ""], ["--repeat", "0"], ["--only", "fanout", "--profile"]] {
            let result = try await NotifymeBinary.run(["bench"] + args, env: [:])
            #expect(result.code == 64, "\(args): \(result.err)")
        }
        // A profile is of delivery runs: asked for without one, the bench says so rather than profile nothing.
        let result = try await NotifymeBinary.run(["bench", "--only", "latency,fanout", "--profile"], env: [:])
        #expect(result.err.contains("--profile samples the delivery runs: add delivery to --only"), "\(result.err)")
    }
}
