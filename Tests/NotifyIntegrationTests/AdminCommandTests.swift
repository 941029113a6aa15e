import Foundation
import Hummingbird
import HummingbirdTesting
import NotifyAPI
import NotifyCore
import NotifyStore
import Testing
@testable import NotifyWorkers

/// `notifyme admin failures list|show|replay` against a live API: what it prints and the exit codes scripts rely on.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct AdminCommandTests {
    @Test func listShowReplayAndExitCodes() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        try await Population.seed(env, 0..<30)
        let ids = try await FailureKit.seed(env, 0..<30)
        _ = try await ResidentEraser(redis: env.redis).erase(Population.cpr(29))
        // The operator's token from `notifyme dev-token`, alone on stdout, signed with the key this configuration trusts.
        let data = ["NOTIFYME_DATA_DIR": env.config.absoluteDataDir]
        let issued = try await NotifymeBinary.run(["dev-token", "--staff", "s.ali", "--role", "operator"], env: data)
        #expect(issued.code == 0, "\(issued.err)")
        let operatorToken = issued.out.trimmingCharacters(in: .newlines)
        #expect(operatorToken.split(separator: ".").count == 3 && !operatorToken.contains("\n"))
        for bad in [["--staff", "s.ali"], ["--staff", "s.ali", "--role", "admin"], ["--cpr", "880101234", "--role", "operator"],
                    ["--cpr", "880101234", "--staff", "s.ali", "--role", "operator"], []] {
            #expect(try await NotifymeBinary.run(["dev-token"] + bad, env: data).code == 64, "\(bad)")
        }
        let auditor = try await env.staffToken("s.huda", role: "auditor")
        let app = Application(router: buildRouter(env.deps), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              services: [BulkReplayTests.worker(env)], logger: env.logger)
        try await app.test(.live) { client in
            let api = "http://127.0.0.1:\(client.port ?? 0)"
            func admin(_ args: [String], token: String? = operatorToken) async throws -> (code: Int32, out: String, err: String) {
                try await NotifymeBinary.run(["admin", "failures"] + args + ["--api", api],
                                             env: ["NOTIFYME_STAFF_TOKEN": token ?? ""])
            }

            let listed = try await admin(["list", "--channel", "sms", "--limit", "25"], token: auditor)
            #expect(listed.code == 0)
            let lines = listed.out.split(separator: "\n")
            #expect(lines.count == 25)
            #expect(lines.allSatisfy { $0.split(separator: "\t").count == 8 && $0.contains("\tsms\tntf_") && $0.contains("\tfailed\t") })

            let shown = try await admin(["show", ids[0], "--reason", "helpdesk call"], token: auditor)
            #expect(shown.code == 0)
            #expect(shown.out.contains("cpr\t\(Population.cpr(0).value)") && shown.out.contains("gave up after 3 attempts"))

            let one = try await admin(["replay", ids[0], "--reason", "INC-42"])
            #expect(one.code == 0 && one.out == "replayed \(ids[0]) on sms\n")
            #expect(try await admin(["replay", ids[0], "--reason", "INC-42"]).code == 1)  // not failed any more
            #expect(try await admin(["replay", ids[1], "--reason", "INC-42"], token: auditor).code == 77)
            #expect(try await admin(["replay", ids[1], "--reason", "INC-42"], token: "not-a-token").code == 77)
            #expect(try await admin(["replay", ids[1], "--reason", "INC-42"], token: nil).code == 77)
            #expect(try await admin(["replay", "ntf_00000000000000000000000000000000", "--reason", "INC-42"]).code == 3)
            #expect(try await admin(["list", "--channel", "fax"]).code == 65)
            #expect(try await admin(["replay", ids[1], "--all-matching", "--reason", "x"]).code == 64)
            #expect(try await NotifymeBinary.run(["admin", "failures", "list", "--api", "http://127.0.0.1:1"],
                                                 env: ["NOTIFYME_STAFF_TOKEN": operatorToken]).code == 69)

            // The rest in bulk: 28 replayed, the erased resident's left alone (exit 1, with the reason on stderr).
            let bulk = try await admin(["replay", "--all-matching", "--channel", "sms", "--reason", "INC-42 bulk"])
            #expect(bulk.code == 1)
            #expect(bulk.out.hasPrefix("job_"))
            #expect(bulk.err.contains("replayed 28 of 30"))
            #expect(bulk.err.contains("not replayed, the resident has erased their data: 1"))
            #expect(bulk.err.contains("30/30 (100%)"))
        }
    }
}
