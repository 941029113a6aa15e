import Foundation
import NotifyTestSupport
import Testing

/// `notifyme keys create|list|revoke` as a script would use them: output on stdout, exit codes.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct KeysCommandTests {
    @Test func createListAndRevoke() async throws {
        let redis = try RedisServer.start()
        defer { redis.stop() }
        let env = ["NOTIFYME_REDIS_URL": redis.url, "NOTIFYME_DATA_DIR": try Loopback.temporaryDirectory("nm-keys").path]

        let created = try await NotifymeBinary.run(["keys", "create", "--entity", "moi.traffic", "--events", "traffic.*", "--rate", "25"], env: env)
        #expect(created.code == 0, "\(created.err)")
        let secret = created.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(secret.hasPrefix("nmk_"))

        let listed = try await NotifymeBinary.run(["keys", "list"], env: env)
        #expect(listed.code == 0, "\(listed.err)")
        let columns = try #require(listed.out.split(separator: "\n").first).split(separator: "\t").map(String.init)
        #expect(columns.count == 6)
        #expect(columns[1] == "moi.traffic" && columns[2] == "active" && columns[4] == "25.0" && columns[5] == "traffic.*")
        #expect(!listed.out.contains(secret), "the list must never show the key itself")
        let id = columns[0]

        #expect(try await NotifymeBinary.run(["keys", "revoke", "ffffffffffff"], env: env).code == 1)
        let revoked = try await NotifymeBinary.run(["keys", "revoke", id], env: env)
        #expect(revoked.code == 0, "\(revoked.err)")
        #expect(try await NotifymeBinary.run(["keys", "list"], env: env).out.isEmpty)
        let all = try await NotifymeBinary.run(["keys", "list", "--all"], env: env)
        #expect(all.out.contains("\(id)\tmoi.traffic\trevoked "))

        let bad = try await NotifymeBinary.run(["keys", "create", "--entity", "moi.traffic", "--events", "traffic.*", "--rate", "-1"], env: env)
        #expect(bad.code == 64 && bad.err.contains("--rate"))
    }
}
