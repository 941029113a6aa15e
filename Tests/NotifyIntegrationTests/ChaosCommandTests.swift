import Foundation
import NotifyTestSupport
import Testing

/// `notifyme chaos` at a small size: workers killed, Redis restarted and the gateway down while notifications flow,
/// and still every notification settles once, none lost, none received twice.
@Suite(.serialized, .timeLimit(.minutes(6)))
struct ChaosCommandTests {
    @Test func killsAReshardAndAnOutageOnAClusterLoseNothingAndSendNothingTwice() async throws {
        let cluster = try await OffPool.run { try RedisCluster.start() }
        defer { cluster.stop() }
        let dir = try Loopback.temporaryDirectory("nm-chaos")
        defer { try? FileManager.default.removeItem(at: dir) }
        let summaryPath = dir.appendingPathComponent("summary.json").path
        let result = try await NotifymeBinary.run(["chaos", "--redis", cluster.url, "--partitions", "6", "--reshard-slots", "3000",
                                                   "--notifications", "3000", "--per-event", "250", "--publish-rate", "1",
                                                   "--kills", "4", "--outage", "3", "--seed", "43", "--timeout", "240",
                                                   "--json", summaryPath], env: ["TMPDIR": dir.path])
        #expect(result.code == 0, "\(result.out)\n\(result.err)")
        #expect(result.out.contains("3000 cluster slots moved, 6 partitions per channel queue"), "\(result.out)")
        #expect(result.out.contains("every check held"), "\(result.out)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summaryPath))) as? [String: Any])
        let disruptions = summary["disruptions"] as? [[String: Any]] ?? []
        #expect(disruptions.filter { $0["kind"] as? String == "kill" }.count == 4)
        #expect(disruptions.filter { $0["kind"] as? String == "reshard" }.count == 1)
        let figures = try #require(summary["figures"] as? [String: Any])
        for name in ["missing", "unsettled", "duplicates", "unfounded", "unlettered", "receiptsUnfinished", "queueEntriesHeld", "countDrift"] {
            #expect(figures[name] as? Int == 0, "\(name): \(figures)")
        }
        #expect((figures["statuses"] as? [String: Int] ?? [:]).values.reduce(0, +) == 3000)
    }

    @Test func killsARedisRestartAndAnOutageLoseNothingAndSendNothingTwice() async throws {
        let dir = try Loopback.temporaryDirectory("nm-chaos")
        defer { try? FileManager.default.removeItem(at: dir) }
        let summaryPath = dir.appendingPathComponent("summary.json").path
        let result = try await NotifymeBinary.run(["chaos", "--notifications", "3000", "--per-event", "250", "--publish-rate", "1",
                                                   "--kills", "4", "--outage", "3", "--seed", "42", "--timeout", "240",
                                                   "--json", summaryPath], env: ["TMPDIR": dir.path])
        #expect(result.code == 0, "\(result.out)\n\(result.err)")
        #expect(result.out.contains("every check held"), "\(result.out)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summaryPath))) as? [String: Any])
        #expect(summary["eventsAccepted"] as? Int == 12)
        #expect((summary["problems"] as? [String])?.isEmpty == true)

        // The disruptions the plan promised all happened.
        let disruptions = summary["disruptions"] as? [[String: Any]] ?? []
        #expect(disruptions.filter { $0["kind"] as? String == "kill" }.count == 4)
        #expect(disruptions.filter { $0["kind"] as? String == "redis-restart" }.count == 1)
        #expect(disruptions.filter { $0["kind"] as? String == "outage" }.count == 1)

        let figures = try #require(summary["figures"] as? [String: Any])
        for name in ["missing", "unsettled", "duplicates", "unfounded", "unlettered", "receiptsUnfinished", "queueEntriesHeld", "countDrift"] {
            #expect(figures[name] as? Int == 0, "\(name): \(figures)")
        }
        // Every notification has a record, and each was received by its provider or dead-lettered.
        let statuses = figures["statuses"] as? [String: Int] ?? [:]
        #expect(statuses.values.reduce(0, +) == 3000, "\(statuses)")
        let received = figures["received"] as? [String: Int] ?? [:]
        let dead = figures["deadLettered"] as? Int ?? -1
        let receivedButFailed = figures["receivedButFailed"] as? Int ?? -1
        #expect(received.values.reduce(0, +) + dead - receivedButFailed == 3000, "\(received), dead \(dead), both \(receivedButFailed)")
        #expect(received["email"] == 750 && received["push"] == 750)
        // An email sent twice (same Message-ID) only where an email worker was killed between the SMTP server's 250 and its
        // record: at most the 32 sends it had in flight.
        let emailKills = disruptions.filter { $0["kind"] as? String == "kill" && $0["target"] as? String == "email" }.count
        #expect((figures["emailRepeats"] as? Int ?? .max) <= 32 * emailKills, "\(figures)")

        #expect(NotifymeBinary.processes(mentioning: dir.path).isEmpty)
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("notifyme-chaos") }
        #expect(left.isEmpty)
    }

    @Test func badOptionsAreUsageErrors() async throws {
        for args in [["--per-event", "0"], ["--notifications", "-1"], ["--kills", "-2"], ["--publish-rate", "0"]] {
            let result = try await NotifymeBinary.run(["chaos"] + args, env: [:])
            #expect(result.code == 64, "\(args): \(result.err)")
        }
    }
}
