import Foundation
import NotifyCore
import NotifyStore
import Testing

/// Verification codes: sent through the pipeline, hashed, expiring, locked after wrong tries, resends limited.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct VerificationTests {
    @Test func newAddressesGetCodesAndAreUnverifiedUntilConfirmed() async throws {
        try await ResidentTestKit.with { kit, client in
            let (status, json) = try await kit.put(client, "/v1/me/contact", #"{"phone":"+973 3600 1234","email":"fatima@example.bh","language":"ar"}"#)
            #expect(status == .ok)
            #expect((json["verified"] as? [String: Bool]) == ["sms": false, "email": false])
            let sms = try #require(try await kit.latestCode(.sms))
            let email = try #require(try await kit.latestCode(.email))
            #expect(sms.count == 6 && email.count == 6)

            // The code itself is stored only as a keyed hash.
            let stored = try await kit.env.redis.send("HGETALL", Keys.verification(kit.cpr, .sms)).array ?? []
            #expect(!stored.contains { $0.string == sms })

            let (ok, verified) = try await kit.post(client, "/v1/me/contact/verify", #"{"channel":"sms","code":"\#(sms)"}"#)
            #expect(ok == .ok)
            #expect((verified["verified"] as? [String: Bool]) == ["sms": true, "email": false])

            // A code confirms once. Once verified, a malformed code is still refused (422), not waved through.
            let (malformed, _) = try await kit.post(client, "/v1/me/contact/verify", #"{"channel":"sms","code":""}"#)
            #expect(malformed == .unprocessableContent)
            let (again, _) = try await kit.post(client, "/v1/me/contact/verify", #"{"channel":"email","code":"\#(email)"}"#)
            #expect(again == .ok)
            let (me, view) = try await kit.get(client, "/v1/me")
            #expect(me == .ok)
            #expect((view["verified"] as? [String: Bool]) == ["sms": true, "email": true])

            // Changing the email makes it unverified again and sends a new code; the phone stays verified.
            _ = try await kit.put(client, "/v1/me/contact", #"{"phone":"+97336001234","email":"new@example.bh","language":"ar"}"#)
            let (_, after) = try await kit.get(client, "/v1/me")
            #expect((after["verified"] as? [String: Bool]) == ["sms": true, "email": false])
            #expect(try await kit.latestCode(.email) != email)
        }
    }

    @Test func wrongCodesLockAfterFiveTries() async throws {
        try await ResidentTestKit.with { kit, client in
            _ = try await kit.put(client, "/v1/me/contact", #"{"email":"fatima@example.bh","language":"en"}"#)
            let code = try #require(try await kit.latestCode(.email))
            let wrong = code == "000000" ? "111111" : "000000"
            for attempt in 1...5 {
                let (status, json) = try await kit.post(client, "/v1/me/contact/verify", #"{"channel":"email","code":"\#(wrong)"}"#)
                if attempt < 5 {
                    #expect(status == .unprocessableContent)
                    #expect(ResidentTestKit.fields(json) == ["code"])
                } else {
                    #expect(status == .tooManyRequests)
                }
            }
            // Locked: even the right code is refused now.
            let (locked, _) = try await kit.post(client, "/v1/me/contact/verify", #"{"channel":"email","code":"\#(code)"}"#)
            #expect(locked == .tooManyRequests)
        }
    }

    @Test func resendsAreLimited() async throws {
        try await ResidentTestKit.with { kit, client in
            for _ in 1...3 {
                let (status, _) = try await kit.put(client, "/v1/me/contact", #"{"email":"fatima@example.bh","language":"en"}"#)
                #expect(status == .ok)
            }
            let (status, json) = try await kit.put(client, "/v1/me/contact", #"{"email":"fatima@example.bh","language":"en"}"#)
            #expect(status == .tooManyRequests)
            #expect(json["status"] as? Int == 429)
        }
    }

    @Test func codesExpire() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let store = VerificationStore(redis: env.redis, cipher: env.deps.cipher, lifetime: .seconds(600), maxTries: 5, maxSends: 3, window: .seconds(3600))
        let cpr = try CPR("880101234")
        let issuedAt = Date().addingTimeInterval(-601)
        let code = try await store.issue(cpr, channel: .email, address: "a@example.bh", now: issuedAt)
        #expect(try await store.check(cpr, channel: .email, address: "a@example.bh", code: code) == .expired)
        let fresh = try await store.issue(cpr, channel: .email, address: "a@example.bh")
        #expect(try await store.check(cpr, channel: .email, address: "b@example.bh", code: fresh) == .stale)
        #expect(try await store.check(cpr, channel: .email, address: "a@example.bh", code: fresh) == .ok)
    }

    @Test(arguments: [
        (#"{"channel":"push","code":"123456"}"#, "channel"),
        (#"{"channel":"sms","code":"12345"}"#, "code"),
        (#"{"channel":"email","code":123456}"#, "code"),
        (#"{"channel":"email"}"#, "code"),
        (#"{"channel":"email","code":"123456","extra":1}"#, "extra"),
    ])
    func badVerifyRequests(_ body: String, _ field: String) async throws {
        try await ResidentTestKit.with { kit, client in
            _ = try await kit.put(client, "/v1/me/contact", #"{"email":"fatima@example.bh","phone":"36001234","language":"en"}"#)
            let (status, json) = try await kit.post(client, "/v1/me/contact/verify", body)
            #expect(status == .unprocessableContent)
            #expect(ResidentTestKit.fields(json).contains(field), "\(json)")
            let (_, me) = try await kit.get(client, "/v1/me")
            #expect((me["verified"] as? [String: Bool]) == ["sms": false, "email": false])
        }
    }

    @Test func contactDetailsAreEncryptedAtRest() async throws {
        try await ResidentTestKit.with { kit, client in
            _ = try await kit.put(client, "/v1/me/contact", #"{"name":"Fatima Ali","phone":"+97336001234","email":"fatima@example.bh","language":"ar"}"#)
            let values = (try await kit.env.redis.send("HGETALL", Keys.contact(kit.cpr)).array ?? []).compactMap(\.string)
            #expect(!values.isEmpty)
            for secret in ["Fatima Ali", "+97336001234", "36001234", "fatima@example.bh"] {
                #expect(!values.contains { $0.contains(secret) }, "\(secret) stored in clear")
            }
            let (_, me) = try await kit.get(client, "/v1/me")
            #expect(me["phone"] as? String == "+97336001234")
            #expect(me["name"] as? String == "Fatima Ali")
        }
    }
}
