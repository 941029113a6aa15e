import Foundation
import Hummingbird
import HummingbirdTesting
import NotifyAPI
import NotifyCore
import NotifyStore
import Testing

/// Publishing rules beyond the basics: scheduling, topics, SMS length, key rate limits and revocation.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct PublishingTests {
    func withApp(yaml: String = "", patterns: String = "*",
                 _ body: @escaping @Sendable (TestEnvironment, String, any TestClientProtocol) async throws -> Void) async throws {
        let env = try await TestEnvironment(yaml: yaml)
        defer { env.stop() }
        let key = try await env.entityKey("moi.alerts", patterns: patterns)
        try await Application(router: buildRouter(env.deps)).test(.router) { client in try await body(env, key, client) }
    }

    static func post(_ client: any TestClientProtocol, _ key: String, _ body: String, path: String = "/v1/events") async throws -> (HTTPResponse.Status, [String: Any]) {
        try await client.execute(uri: path, method: .post, headers: Req.headers(key), body: Req.body(body)) { ($0.status, Req.json($0.body)) }
    }

    static func fields(_ json: [String: Any]) -> [String] {
        (json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
    }

    static let alertData = #""data":{"area":"Southern Governorate","message":"Heavy rain until 8 pm."}"#

    @Test(arguments: [
        (#""sendAt":"2020-01-01T00:00:00Z""#, "sendAt"),
        (#""sendAt":"tomorrow at nine""#, "sendAt"),
        (#""sendAt":"2026-12-01T08:00:00""#, "sendAt"),
        (#""sendAt":"2099-01-01T00:00:00Z""#, "sendAt"),
        (#""topic":"emergency.atlantis""#, "topic"),
        (#""topic":"emergency.national","recipients":["880101234"]"#, "recipients"),
        // 129 code points in 65 characters (an accent combined 64 times): over the schema's maxLength of 128.
        ("\"reference\":\"" + String(repeating: "e\u{301}", count: 64) + "e\"", "reference"),
    ])
    func badSchedulesAndTopicsAreRefused(_ extra: String, _ field: String) async throws {
        try await withApp { env, key, client in
            let target = extra.contains("topic") ? "" : #""recipients":["880101234"],"#
            let (status, json) = try await Self.post(client, key, #"{"type":"emergency.alert",\#(target)\#(extra),\#(Self.alertData)}"#)
            #expect(status == .unprocessableContent)
            #expect(Self.fields(json).contains(field), "fields: \(Self.fields(json))")
            #expect(try await env.redis.send("KEYS", "nm:{e:*").array?.count == 0)
        }
    }

    @Test func aListIsAtMostTenThousandResidents() async throws {
        try await withApp { env, key, client in
            func body(_ n: Int) -> String {
                let cprs = (0..<n).map { "\"\(900_000_000 + $0)\"" }.joined(separator: ",")
                return #"{"type":"emergency.alert","recipients":[\#(cprs)],\#(Self.alertData)}"#
            }
            let (over, json) = try await Self.post(client, key, body(10_001))
            #expect(over == .unprocessableContent)
            #expect(Self.fields(json).contains("recipients"))
            let (ok, accepted) = try await Self.post(client, key, body(10_000))
            #expect(ok == .accepted)
            let id = try #require(accepted["id"] as? String)
            #expect(try await EventStore(redis: env.redis).load(id)?.event.recipients?.count == 10_000)
        }
    }

    @Test func onlyTopicEventTypesMayTargetATopic() async throws {
        try await withApp { _, key, client in
            let body = #"{"type":"traffic.fine-issued","topic":"emergency.national","data":{"amount":"20.000","plate":"1","date":"d","violation":"v","reference":"r"}}"#
            let (status, json) = try await Self.post(client, key, body)
            #expect(status == .unprocessableContent)
            #expect(Self.fields(json) == ["topic"])
        }
    }

    @Test func anSMSLongerThanTheSegmentLimitIsRefused() async throws {
        try await withApp(yaml: "publishing: {smsMaxSegments: 2}") { env, key, client in
            let long = String(repeating: "Stay indoors. ", count: 30)
            let (status, json) = try await Self.post(client, key, #"{"type":"emergency.alert","recipients":["880101234"],"data":{"area":"South","message":"\#(long)"}}"#)
            #expect(status == .unprocessableContent)
            #expect(Self.fields(json).contains("data"))
            #expect((json["detail"] as? String ?? "").isEmpty == false)
            let (ok, _) = try await Self.post(client, key, #"{"type":"emergency.alert","recipients":["880101234"],\#(Self.alertData)}"#)
            #expect(ok == .accepted)
            #expect(try await env.redis.send("KEYS", "nm:{e:*}").array?.count == 1)
        }
    }

    @Test func aScheduledEventWaitsForItsTime() async throws {
        try await withApp { env, key, client in
            let at = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
            let (status, json) = try await Self.post(client, key, #"{"type":"emergency.alert","recipients":["880101234"],"sendAt":"\#(at)",\#(Self.alertData)}"#)
            #expect(status == .accepted)
            let id = try #require(json["id"] as? String)
            let events = EventStore(redis: env.redis)
            #expect(try await env.redis.send("XLEN", Keys.stream("events")).int == 0)
            #expect(try await events.scheduledCount() == 1)
            let shown = try await client.execute(uri: "/v1/events/\(id)", method: .get, headers: Req.headers(key)) { Req.json($0.body) }
            #expect(shown["status"] as? String == "scheduled")
            #expect(shown["sendAt"] as? String != nil)

            // Not due yet: nothing moves. Due: it goes on the fan-out stream once, even if moved twice.
            #expect(try await events.moveDue(now: Date()) == 0)
            #expect(try await events.moveDue(now: Date().addingTimeInterval(3601)) == 1)
            #expect(try await events.moveDue(now: Date().addingTimeInterval(3602)) == 0)
            try await events.enqueue(try #require(try await events.load(id)?.event))
            #expect(try await env.redis.send("XLEN", Keys.stream("events")).int == 1)
            #expect(try await events.load(id)?.status == "accepted")
        }
    }

    @Test func aKeyOverItsRateGets429WithRetryAfter() async throws {
        try await withApp(yaml: "publishing: {rate: 0.1, burst: 3}") { _, key, client in
            var statuses: [HTTPResponse.Status] = []
            var retryAfter: String?
            for _ in 0..<5 {
                try await client.execute(uri: "/v1/events/evt_00000000000000000000000000000000", method: .get, headers: Req.headers(key)) { r in
                    statuses.append(r.status)
                    if r.status == .tooManyRequests { retryAfter = r.headers[.retryAfter] }
                }
            }
            #expect(statuses.prefix(3).allSatisfy { $0 == .notFound })
            #expect(statuses.last == .tooManyRequests)
            #expect(retryAfter.flatMap(Int.init).map { $0 >= 1 } == true)
        }
    }

    @Test func aRevokedKeyStopsWorkingAtOnce() async throws {
        try await withApp { env, key, client in
            let store = EntityKeyStore(redis: env.redis)
            let listed = try await store.list()
            #expect(listed.count == 1 && listed[0].entity == "moi.alerts" && listed[0].revokedAt == nil)
            #expect(try await store.revoke(id: "000000000000") == false)
            #expect(try await store.revoke(id: listed[0].id))
            let (status, _) = try await Self.post(client, key, #"{"type":"emergency.alert","recipients":["880101234"],\#(Self.alertData)}"#)
            #expect(status == .unauthorized)
            #expect(try await store.list().first?.revokedAt != nil)
        }
    }
}
