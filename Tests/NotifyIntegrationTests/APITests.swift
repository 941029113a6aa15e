import Foundation
import Hummingbird
import HummingbirdTesting
import NotifyAPI
import NotifyStore
import Testing

/// The HTTP contract against a real Redis: authentication, scoping, validation, idempotency.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct APITests {
    /// Runs `body` with a router-level test client and the environment it runs against.
    func withApp(_ body: @escaping @Sendable (TestEnvironment, String, any TestClientProtocol) async throws -> Void) async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let key = try await env.entityKey()
        let app = Application(router: buildRouter(env.deps))
        try await app.test(.router) { client in try await body(env, key, client) }
    }

    func keyCount(_ env: TestEnvironment, _ pattern: String) async throws -> Int {
        try await env.redis.send("KEYS", pattern).array?.count ?? -1
    }

    @Test func healthAnswers() async throws {
        try await withApp { _, _, client in
            try await client.execute(uri: "/health/live", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/health/ready", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func readinessFailsWhenRedisIsDown() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let app = Application(router: buildRouter(env.deps))
        try await app.test(.router) { client in
            env.redisServer.kill()
            try await client.execute(uri: "/health/ready", method: .get) { r in
                #expect(r.status == .serviceUnavailable)
            }
            try await client.execute(uri: "/health/live", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func entityKeyIsRequiredAndChecked() async throws {
        try await withApp { _, _, client in
            for token in [nil, "nmk_unknown", "garbage"] as [String?] {
                try await client.execute(uri: "/v1/events", method: .post, headers: Req.headers(token), body: Req.body(Req.expiryEvent)) { r in
                    #expect(r.status == .unauthorized)
                    #expect(r.headers[.contentType] == "application/problem+json")
                    #expect(Req.json(r.body)["status"] as? Int == 401)
                }
            }
        }
    }

    @Test func keyScopeIsEnforced() async throws {
        try await withApp { env, _, client in
            let trafficOnly = try await env.entityKey("traffic.dept", patterns: "traffic.*")
            try await client.execute(uri: "/v1/events", method: .post, headers: Req.headers(trafficOnly), body: Req.body(Req.expiryEvent)) { r in
                #expect(r.status == .forbidden)
            }
            // Even with incomplete data: scope is checked before the template fields are.
            try await client.execute(uri: "/v1/events", method: .post, headers: Req.headers(trafficOnly),
                                     body: Req.body(#"{"type":"identity.document-expiry","recipients":["880101234"],"data":{}}"#)) { r in
                #expect(r.status == .forbidden)
                #expect(!String(buffer: r.body).contains("expiryDate"))
            }
            #expect(try await keyCount(env, "nm:{e:*") == 0)
        }
    }

    @Test func anotherEntitysEventIsNotFound() async throws {
        try await withApp { env, key, client in
            let id = try await client.execute(uri: "/v1/events", method: .post, headers: Req.headers(key), body: Req.body(Req.expiryEvent)) { r in
                Req.json(r.body)["id"] as? String ?? ""
            }
            try await client.execute(uri: "/v1/events/\(id)", method: .get, headers: Req.headers(key)) { #expect($0.status == .ok) }
            let other = try await env.entityKey("other.ministry", patterns: "*")
            try await client.execute(uri: "/v1/events/\(id)", method: .get, headers: Req.headers(other)) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/v1/events/evt_nope", method: .get, headers: Req.headers(key)) { #expect($0.status == .notFound) }
        }
    }

    @Test(arguments: [
        ("not json", "body"),
        ("[]", "body"),
        (#"{"type":"no.such-type","recipients":["880101234"],"data":{}}"#, "type"),
        (#"{"type":"identity.document-expiry","recipients":["88"],"data":{"name":"a","document":"b","expiryDate":"c","reference":"d"}}"#, "recipients[0]"),
        (#"{"type":"identity.document-expiry","recipients":["880101234"],"data":{"name":"a"}}"#, "data.document"),
        (#"{"type":"identity.document-expiry","data":{}}"#, "recipients"),
        (#"{"type":5,"recipients":["880101234"]}"#, "type"),
        (#"{"type":"identity.document-expiry","recipients":"880101234","data":{}}"#, "recipients"),
        (#"{"type":"identity.document-expiry","recipients":["880101234"],"data":{},"colour":"red"}"#, "colour"),
    ])
    func badEventsAreRefusedNamingTheField(_ body: String, _ field: String) async throws {
        try await withApp { env, key, client in
            try await client.execute(uri: "/v1/events", method: .post, headers: Req.headers(key), body: Req.body(body)) { r in
                #expect(r.status == .unprocessableContent)
                #expect(r.headers[.contentType] == "application/problem+json")
                let fields = (Req.json(r.body)["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
                #expect(fields.contains(field), "fields: \(fields)")
            }
            #expect(try await keyCount(env, "nm:{e:*") == 0)
            #expect(try await keyCount(env, "nm:{q:*") == 0)
        }
    }

    @Test func idempotencyKeyReplaysAndRejectsOtherBodies() async throws {
        try await withApp { env, key, client in
            let first = try await client.execute(uri: "/v1/events", method: .post, headers: Req.headers(key, idempotencyKey: "abc"), body: Req.body(Req.expiryEvent)) { r in
                #expect(r.status == .accepted)
                return Req.json(r.body)["id"] as? String ?? ""
            }
            let second = try await client.execute(uri: "/v1/events", method: .post, headers: Req.headers(key, idempotencyKey: "abc"), body: Req.body(Req.expiryEvent)) { r in
                #expect(r.status == .accepted)
                return Req.json(r.body)["id"] as? String ?? ""
            }
            #expect(first == second)
            #expect(try await env.redis.send("XLEN", Keys.stream("events")).int == 1)
            let other = Req.expiryEvent.replacingOccurrences(of: "Fatima", with: "Maryam")
            try await client.execute(uri: "/v1/events", method: .post, headers: Req.headers(key, idempotencyKey: "abc"), body: Req.body(other)) { r in
                #expect(r.status == .unprocessableContent)
            }
            #expect(try await keyCount(env, "nm:{e:*}") == 1)
        }
    }

    @Test func residentTokenIsVerified() async throws {
        try await withApp { env, _, client in
            let good = try await env.residentToken("880101234")
            let expired = try await env.residentToken("880101234", lifetime: -3600)
            let wrongAudience = try await env.residentToken("880101234", audience: "someone-else")
            let wrongIssuer = try await env.residentToken("880101234", issuer: "https://evil.example")
            let badSubject = try await env.residentToken("12345")
            let tampered = String(good.dropLast(4)) + "AAAA"
            for token in [nil, expired, wrongAudience, wrongIssuer, badSubject, tampered, "x.y.z"] as [String?] {
                try await client.execute(uri: "/v1/me", method: .get, headers: Req.headers(token)) { r in
                    #expect(r.status == .unauthorized)
                    #expect(r.headers[.contentType] == "application/problem+json")
                }
            }
            try await client.execute(uri: "/v1/me", method: .get, headers: Req.headers(good)) { #expect($0.status == .notFound) }
        }
    }

    @Test func contactIsValidatedAndStored() async throws {
        try await withApp { env, _, client in
            let token = try await env.residentToken("880101234")
            for (body, field) in [
                (#"{"phone":"12","language":"ar"}"#, "phone"),
                (#"{"email":"not-an-email","language":"en"}"#, "email"),
                (#"{"language":"fr"}"#, "language"),
                (#"{"email":"a@b.bh"}"#, "language"),
                (#"{"language":"ar","nickname":"x"}"#, "nickname"),
                (#"{"language":"ar","phone":36001234}"#, "phone"),
                (#"{"language":"ar","name":"\#(String(repeating: "x", count: 201))"}"#, "name"),
                // 101 characters but 202 code points, which is what the document's maxLength counts.
                (#"{"language":"ar","name":"\#(String(repeating: #"e\u0301"#, count: 101))"}"#, "name"),
                (#"{"language":"ar","email":"\#(String(repeating: "a", count: 250))@example.bh"}"#, "email"),
                (#"{"language":"ar","phone":"+973 3600 1234 5678 9012 3456 7890 12345"}"#, "phone"),
            ] {
                try await client.execute(uri: "/v1/me/contact", method: .put, headers: Req.headers(token), body: Req.body(body)) { r in
                    #expect(r.status == .unprocessableContent)
                    let fields = (Req.json(r.body)["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
                    #expect(fields.contains(field), "\(body): \(fields)")
                }
            }
            #expect(try await keyCount(env, "nm:{r:*") == 0)
            try await client.execute(uri: "/v1/me/contact", method: .put, headers: Req.headers(token),
                                     body: Req.body(#"{"phone":"3600 1234","email":"Fatima@Example.BH","language":"ar"}"#)) { r in
                #expect(r.status == .ok)
            }
            try await client.execute(uri: "/v1/me", method: .get, headers: Req.headers(token)) { r in
                let json = Req.json(r.body)
                #expect(json["phone"] as? String == "+97336001234")
                #expect(json["email"] as? String == "Fatima@example.bh")
                #expect((json["verified"] as? [String: Bool])?["email"] == false)
            }
        }
    }

    @Test func oversizedBodyIs413() async throws {
        try await withApp { env, _, client in
            let token = try await env.residentToken("880101234")
            let big = #"{"language":"ar","name":""# + String(repeating: "x", count: 20_000) + #""}"#
            try await client.execute(uri: "/v1/me/contact", method: .put, headers: Req.headers(token), body: Req.body(big)) { r in
                #expect(r.status == .contentTooLarge)
                #expect(r.headers[.contentType] == "application/problem+json")
            }
        }
    }

    @Test func unknownRouteIsProblemJSON() async throws {
        try await withApp { _, _, client in
            try await client.execute(uri: "/v2/nothing", method: .get) { r in
                #expect(r.status == .notFound)
                #expect(r.headers[.contentType] == "application/problem+json")
            }
        }
    }
}
