import Foundation
import Hummingbird
import HummingbirdTesting
import NotifyAPI
import NotifyCore
import NotifyStore
import Testing

/// The support-staff API: who may do what, the failure listing, one replay checked against today's data, the audit log.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct AdminTests {
    static func call(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String?,
                     body: String? = nil) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await client.execute(uri: uri, method: method, headers: Req.headers(token), body: body.map(Req.body)) { ($0.status, Req.json($0.body)) }
    }

    @Test func onlyStaffGetInAndOnlyOperatorsReplay() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        try await Population.seed(env, 0..<2)
        let ids = try await FailureKit.seed(env, 0..<2)
        let operatorToken = try await env.staffToken("s.ali", role: "operator")
        let auditor = try await env.staffToken("s.huda", role: "auditor")
        let resident = try await env.residentToken("880101234")
        let entity = try await env.entityKey()
        try await Application(router: buildRouter(env.deps)).test(.router) { client in
            #expect(try await Self.call(client, .get, "/v1/admin/failures", token: nil).0 == .unauthorized)
            #expect(try await Self.call(client, .get, "/v1/admin/failures", token: entity).0 == .unauthorized)
            #expect(try await Self.call(client, .get, "/v1/admin/failures", token: resident).0 == .forbidden)
            #expect(try await Self.call(client, .get, "/v1/admin/audit", token: resident).0 == .forbidden)
            #expect(try await Self.call(client, .get, "/v1/admin/failures", token: auditor).0 == .ok)
            #expect(try await Self.call(client, .get, "/v1/admin/notifications/\(ids[0])", token: auditor).0 == .ok)
            #expect(try await Self.call(client, .get, "/v1/admin/audit", token: auditor).0 == .ok)
            let reason = #"{"reason":"provider outage on 23 Nov"}"#
            let (denied, problem) = try await Self.call(client, .post, "/v1/admin/failures/\(ids[0])/replay", token: auditor, body: reason)
            #expect(denied == .forbidden)
            #expect((problem["detail"] as? String)?.contains("operator") == true)
            #expect(try await Self.call(client, .post, "/v1/admin/failures/replay", token: auditor, body: #"{"reason":"x"}"#).0 == .forbidden)
            #expect(try await Self.call(client, .post, "/v1/admin/failures/\(ids[0])/replay", token: resident, body: reason).0 == .forbidden)
            #expect(try await Self.call(client, .post, "/v1/admin/failures/\(ids[0])/replay", token: entity, body: reason).0 == .unauthorized)
            #expect(try await NotificationStore(redis: env.redis).load(ids[0])?.notification.status == .failed)
            // The document's maxLength (500) counts what was sent, so padding that trimming would drop still counts,
            // and so does each code point of a character made of several (found by the API fuzzing).
            let padded = #"{"reason":"INC-42"# + String(repeating: #"\t"#, count: 600) + #""}"#
            let combining = #"{"reason":""# + String(repeating: #"e\u0301"#, count: 300) + #""}"#
            for body in [padded, combining] {
                let (status, problem) = try await Self.call(client, .post, "/v1/admin/failures/replay", token: operatorToken, body: body)
                #expect(status == .unprocessableContent)
                #expect((problem["errors"] as? [[String: Any]])?.first?["field"] as? String == "reason")
            }
            #expect(try await Self.call(client, .post, "/v1/admin/failures/\(ids[0])/replay", token: operatorToken, body: reason).0 == .accepted)
        }
    }

    @Test func failuresAreListedNewestFirstFilteredAndPaged() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        try await Population.seed(env, 0..<40)
        let earlier = Date().addingTimeInterval(-3600)
        let sms = try await FailureKit.seed(env, 0..<25, failedAt: earlier)
        let bill: [String: JSONValue] = ["accountNumber": .string("A-1"), "amount": .string("12"), "dueDate": .string("2026-12-01"),
                                         "serviceProvider": .string("EWA")]
        let email = try await FailureKit.seed(env, 25..<40, channel: .email, eventType: "utility.bill-due", data: bill)
        let token = try await env.staffToken("s.huda", role: "auditor")
        try await Application(router: buildRouter(env.deps)).test(.router) { client in
            var seen: [[String: Any]] = []
            var cursor: String?
            repeat {
                let (status, page) = try await Self.call(client, .get, "/v1/admin/failures?limit=7" + (cursor.map { "&cursor=\($0)" } ?? ""), token: token)
                #expect(status == .ok)
                seen += page["items"] as? [[String: Any]] ?? []
                cursor = page["next"] as? String
            } while cursor != nil && seen.count < 100
            let listed = seen.compactMap { $0["notificationId"] as? String }
            #expect(listed.count == 40 && Set(listed) == Set(sms + email))
            // The newer email failures come first; every item says what it is and what became of it.
            #expect(Set(listed.prefix(15)) == Set(email))
            #expect(seen.allSatisfy { $0["status"] as? String == "failed" && $0["error"] as? String == "gateway answered 503" })

            // A record past retention is gone, its dead letter stays: listed as purged, which `expired` (no receipt) is not.
            _ = try await env.redis.send("DEL", Keys.notification(sms[0]), Keys.timeline(sms[0]))
            let (_, byChannel) = try await Self.call(client, .get, "/v1/admin/failures?channel=sms&limit=200", token: token)
            let smsItems = byChannel["items"] as? [[String: Any]] ?? []
            #expect(smsItems.count == 25)
            #expect(smsItems.first { $0["notificationId"] as? String == sms[0] }?["status"] as? String == "purged")
            let (_, byType) = try await Self.call(client, .get, "/v1/admin/failures?eventType=utility.bill-due&limit=200", token: token)
            #expect((byType["items"] as? [[String: Any]])?.compactMap { $0["notificationId"] as? String }.sorted() == email.sorted())
            let since = ISO8601DateFormatter().string(from: earlier.addingTimeInterval(60))
            let (_, recent) = try await Self.call(client, .get, "/v1/admin/failures?since=\(since)&limit=200", token: token)
            #expect((recent["items"] as? [[String: Any]])?.count == 15)

            // Cursors Redis could not take as a bound (found by the API fuzzer as 500s) are refused as input.
            for bad in ["channel=fax", "eventType=nope", "since=yesterday", "limit=0", "limit=201", "cursor=abc",
                        "cursor=0-0~sms", "cursor=99999999999999999999-0~sms"] {
                let (status, problem) = try await Self.call(client, .get, "/v1/admin/failures?\(bad)", token: token)
                #expect(status == .unprocessableContent, "\(bad)")
                #expect((problem["errors"] as? [[String: Any]])?.isEmpty == false, "\(bad)")
            }
            for bad in ["0-0", "99999999999999999999-0", "1-18446744073709551616"] {
                let (status, _) = try await Self.call(client, .get, "/v1/admin/audit?cursor=\(bad)", token: token)
                #expect(status == .unprocessableContent, "\(bad)")
            }
            // A time before 1970 means "from the start", not a stream id Redis refuses.
            let (old, all) = try await Self.call(client, .get, "/v1/admin/failures?since=1861-05-04T12:59:47Z&limit=200", token: token)
            #expect(old == .ok)
            #expect((all["items"] as? [[String: Any]])?.count == 40)
        }
    }

    @Test func aReplayDecidesAgainOnTodaysDataAndIsAudited() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        try await Population.seed(env, 0..<4)
        let ids = try await FailureKit.seed(env, 0..<4)
        // Resident 1 erased their data since; resident 2 withdrew consent for traffic messages by SMS.
        _ = try await ResidentEraser(redis: env.redis).erase(Population.cpr(1))
        _ = try await SubscriptionStore(redis: env.redis).apply(Population.cpr(2), ["traffic": [.sms: false, .email: false, .push: false]],
                                                                catalogue: env.deps.catalogue, source: .resident)
        let token = try await env.staffToken("s.ali", role: "operator")
        let notifications = NotificationStore(redis: env.redis)
        try await Application(router: buildRouter(env.deps)).test(.router) { client in
            let reason = #"{"reason":"gateway outage INC-42"}"#
            let (ok, replayed) = try await Self.call(client, .post, "/v1/admin/failures/\(ids[0])/replay", token: token, body: reason)
            #expect(ok == .accepted)
            #expect(replayed["status"] as? String == "queued" && replayed["channel"] as? String == "sms")
            let record = try await notifications.load(ids[0])
            #expect(record?.notification.status == .queued)
            #expect(record?.timeline.last?.detail == "replayed by support staff")
            #expect(try await env.redis.send("XLEN", Keys.stream("sms")).int == 1)

            let (again, problem) = try await Self.call(client, .post, "/v1/admin/failures/\(ids[0])/replay", token: token, body: reason)
            #expect(again == .conflict)
            #expect((problem["detail"] as? String)?.contains("queued, not failed") == true)
            let (erased, erasedProblem) = try await Self.call(client, .post, "/v1/admin/failures/\(ids[1])/replay", token: token, body: reason)
            #expect(erased == .conflict)
            #expect((erasedProblem["detail"] as? String)?.contains("erased") == true)
            let (withdrawn, withdrawnProblem) = try await Self.call(client, .post, "/v1/admin/failures/\(ids[2])/replay", token: token, body: reason)
            #expect(withdrawn == .conflict)
            #expect((withdrawnProblem["detail"] as? String)?.contains("no consent for traffic") == true)
            #expect(try await notifications.load(ids[1])?.notification.status == .failed)
            #expect(try await notifications.load(ids[2])?.notification.status == .failed)

            for bad in [#"{}"#, #"{"reason":"   "}"#, #"{"reason":"x","extra":1}"#] {
                #expect(try await Self.call(client, .post, "/v1/admin/failures/\(ids[3])/replay", token: token, body: bad).0 == .unprocessableContent)
            }
            #expect(try await Self.call(client, .post, "/v1/admin/failures/ntf_00000000000000000000000000000000/replay", token: token, body: reason).0 == .notFound)

            // Ten replays of one notification at once: one goes through.
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<10 { group.addTask { try await Self.call(client, .post, "/v1/admin/failures/\(ids[3])/replay", token: token, body: reason).0 } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .accepted }.count == 1)
            #expect(statuses.filter { $0 == .conflict }.count == 9)
            #expect(try await env.redis.send("XLEN", Keys.stream("sms")).int == 2)

            // Reading a resident's notification is audited, with the reason given.
            let (shown, view) = try await Self.call(client, .get, "/v1/admin/notifications/\(ids[0])?reason=resident%20called%20the%20helpdesk", token: token)
            #expect(shown == .ok)
            #expect(view["cpr"] as? String == Population.cpr(0).value)
            #expect((view["timeline"] as? [[String: Any]])?.count == 2)

            let (_, audit) = try await Self.call(client, .get, "/v1/admin/audit?limit=200", token: token)
            let items = audit["items"] as? [[String: Any]] ?? []
            #expect(items.first?["action"] as? String == "read")
            #expect(items.first?["reason"] as? String == "resident called the helpdesk")
            #expect(items.first?["target"] as? String == ids[0])
            let replays = items.filter { $0["action"] as? String == "replay" }
            let byAli = replays.filter { entry in
                let staff = entry["staff"] as? String, role = entry["role"] as? String, why = entry["reason"] as? String
                return staff == "s.ali" && role == "operator" && why == "gateway outage INC-42"
            }
            #expect(byAli.count == replays.count)
            #expect(replays.filter { $0["outcome"] as? String == "replayed on sms" }.count == 2)
            #expect(replays.contains { $0["target"] as? String == ids[1] && ($0["outcome"] as? String)?.contains("erased") == true })
            // ok, again, erased, withdrawn, an unknown id, then ten at once
            #expect(replays.count == 15)
        }
    }
}
