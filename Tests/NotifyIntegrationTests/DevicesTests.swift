import Foundation
import Hummingbird
import HummingbirdTesting
import NotifyAPI
import NotifyConfig
import NotifyCore
import NotifyStore
import Testing

/// POST /v1/me/devices and DELETE /v1/me/devices/{id} against a real Redis: each platform, repeated
/// registrations, the per-resident maximum, scoping, validation, and tokens sealed at rest.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct DevicesTests {
    static let cpr = "880101234"
    static let otherCPR = "900202345"

    /// Runs `body` with a router-level test client whose residents may have `maxDevices` devices.
    func withApp(maxDevices: Int = 5, _ body: @escaping @Sendable (TestEnvironment, any TestClientProtocol) async throws -> Void) async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        var residents = NotifyConfiguration.Residents()
        residents.maxDevices = maxDevices
        let deps = APIDependencies(redis: env.redis, catalogue: env.deps.catalogue, templates: env.deps.templates,
                                   verifier: env.deps.verifier, cipher: env.deps.cipher, residents: residents)
        let app = Application(router: buildRouter(deps))
        try await app.test(.router) { client in try await body(env, client) }
    }

    struct Answer {
        let status: HTTPResponse.Status
        let contentType: String?
        let text: String
        var json: [String: Any] { Req.json(ByteBuffer(string: text)) }
        var id: String { json["id"] as? String ?? "" }
        var errorFields: [String] { (json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String } }
    }

    func post(_ client: any TestClientProtocol, _ token: String, _ body: String) async throws -> Answer {
        try await client.execute(uri: "/v1/me/devices", method: .post, headers: Req.headers(token), body: Req.body(body)) { r in
            Answer(status: r.status, contentType: r.headers[.contentType], text: String(buffer: r.body))
        }
    }

    func delete(_ client: any TestClientProtocol, _ token: String, _ id: String) async throws -> Answer {
        try await client.execute(uri: "/v1/me/devices/\(id)", method: .delete, headers: Req.headers(token)) { r in
            Answer(status: r.status, contentType: r.headers[.contentType], text: String(buffer: r.body))
        }
    }

    func store(_ env: TestEnvironment) -> DeviceStore { DeviceStore(redis: env.redis, cipher: env.deps.cipher) }

    func devicesKey(_ cpr: String = cpr) throws -> String { Keys.devices(try CPR(cpr)) }

    func storedFields(_ env: TestEnvironment, _ cpr: String = cpr) async throws -> [String] {
        try await env.redis.send("HGETALL", try devicesKey(cpr)).strings ?? []
    }

    // MARK: fixtures

    static func fcmToken(_ n: Int = 0) -> String { "dK3x9Qz:APA91bH\(n)" + String(repeating: "Zq7_-", count: 30) }
    static let apnsToken = String(repeating: "0a1b2c3d", count: 8)
    static let endpoint = "https://fcm.googleapis.com/fcm/send/abcDEF123:APA91bXyz"
    static let p256dh = Base64URL.encode([0x04] + (1...64).map { UInt8($0) })
    static let auth = Base64URL.encode((1...16).map { UInt8($0 * 3) })

    static func fcm(_ token: String = fcmToken()) -> String { #"{"platform":"fcm","token":"\#(token)"}"# }
    static func webPush(endpoint: String = endpoint, p256dh: String = p256dh, auth: String = auth) -> String {
        #"{"platform":"webpush","subscription":{"endpoint":"\#(endpoint)","expirationTime":null,"keys":{"p256dh":"\#(p256dh)","auth":"\#(auth)"}}}"#
    }

    // MARK: tests

    @Test func registersEachPlatform() async throws {
        try await withApp { env, client in
            let token = try await env.residentToken(Self.cpr)
            var ids: [String] = []
            for body in [Self.fcm(), #"{"platform":"apns","token":"\#(Self.apnsToken.uppercased())"}"#, Self.webPush()] {
                let answer = try await post(client, token, body)
                #expect(answer.status == .created, "\(answer.text)")
                #expect(answer.contentType == "application/json")
                #expect(answer.id.hasPrefix("dev_") && answer.id.count == 36, "\(answer.text)")
                #expect(Set(answer.json.keys) == ["id"])
                ids.append(answer.id)
            }
            let devices = try await store(env).list(try CPR(Self.cpr))
            #expect(devices.map(\.id) == ids)
            #expect(devices.map(\.platform) == [.fcm, .apns, .webpush])
            #expect(devices[0].token == Self.fcmToken())
            #expect(devices[1].token == Self.apnsToken)
            #expect(devices[2].subscription == Device.WebPushSubscription(endpoint: Self.endpoint, p256dh: Self.p256dh, auth: Self.auth))
            #expect(devices[2].hint == "fcm.googleapis.com")
        }
    }

    @Test func tokensAreNotStoredOrAnsweredInClear() async throws {
        try await withApp { env, client in
            let token = try await env.residentToken(Self.cpr)
            let answers = [try await post(client, token, Self.fcm()),
                           try await post(client, token, #"{"platform":"apns","token":"\#(Self.apnsToken)"}"#),
                           try await post(client, token, Self.webPush())]
            let secrets = [Self.fcmToken(), Self.apnsToken, "fcm.googleapis.com/fcm/send", Self.p256dh, Self.auth]
            let stored = try await storedFields(env)
            // HGETALL is flat: per device a record, its registration time and its index field, each with a value.
            #expect(stored.count == 3 * 3 * 2)
            for secret in secrets {
                #expect(!stored.contains { $0.contains(secret) }, "\(secret) is stored in clear")
                #expect(!answers.contains { $0.text.contains(secret) }, "\(secret) is in a response")
            }
            // Records are sealed by the field cipher, not merely encoded.
            let values = stride(from: 1, to: stored.count, by: 2).map { stored[$0] }
            #expect(values.filter { $0.hasPrefix("v1:") }.count == 3)
        }
    }

    @Test func registeringAgainReturnsTheSameDevice() async throws {
        try await withApp { env, client in
            let token = try await env.residentToken(Self.cpr)
            let first = try await post(client, token, Self.fcm())
            let again = try await post(client, token, Self.fcm())
            #expect(first.status == .created && again.status == .created)
            #expect(first.id == again.id && !first.id.isEmpty)

            let push = try await post(client, token, Self.webPush())
            // The same endpoint with renewed keys is the same device, now with the new keys.
            let newAuth = Base64URL.encode(Array(repeating: 7, count: 16))
            let renewed = try await post(client, token, Self.webPush(auth: newAuth))
            #expect(renewed.status == .created)
            #expect(renewed.id == push.id)

            let devices = try await store(env).list(try CPR(Self.cpr))
            #expect(devices.map(\.id) == [first.id, push.id])
            #expect(devices[1].subscription?.auth == newAuth)
            #expect(try await storedFields(env).count == 2 * 6)

            // Another resident registering the same token gets a device of their own.
            let other = try await post(client, try await env.residentToken(Self.otherCPR), Self.fcm())
            #expect(other.status == .created)
            #expect(other.id != first.id)
        }
    }

    @Test func theMaximumReplacesTheOldest() async throws {
        try await withApp(maxDevices: 2) { env, client in
            let token = try await env.residentToken(Self.cpr)
            let a = try await post(client, token, Self.fcm(Self.fcmToken(1))).id
            let b = try await post(client, token, Self.fcm(Self.fcmToken(2))).id
            let c = try await post(client, token, Self.fcm(Self.fcmToken(3))).id
            #expect(Set([a, b, c]).count == 3)
            let cpr = try CPR(Self.cpr)
            #expect(try await store(env).list(cpr).map(\.id) == [b, c])
            // Record, registration time and index field per device: nothing of the first is left behind.
            #expect(try await env.redis.send("HLEN", try devicesKey()).int == 6)

            // The first token is no longer known, so it comes back as a new device, replacing b.
            let a2 = try await post(client, token, Self.fcm(Self.fcmToken(1))).id
            #expect(a2 != a)
            #expect(try await store(env).list(cpr).map(\.id) == [c, a2])
            // A repeated registration is not a new one: nothing is replaced.
            #expect(try await post(client, token, Self.fcm(Self.fcmToken(3))).id == c)
            #expect(try await store(env).list(cpr).map(\.id) == [c, a2])
        }
    }

    @Test func concurrentRegistrationsNeverExceedTheMaximum() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let devices = store(env)
        let cpr = try CPR(Self.cpr)
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for n in 0..<40 {
                group.addTask {
                    let device = try Device(id: Digest.randomID(prefix: "dev_"), platform: .fcm, token: Self.fcmToken(n),
                                            subscription: nil, createdAt: Date())
                    return try await devices.register(device, cpr: cpr, max: 3)
                }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(ids.count == 40)
        let kept = try await devices.list(cpr)
        #expect(kept.count == 3)
        #expect(try await env.redis.send("HLEN", try devicesKey()).int == 9)
    }

    @Test func deleteRemovesOnlyTheResidentsOwnDevice() async throws {
        try await withApp { env, client in
            let mine = try await env.residentToken(Self.cpr)
            let theirs = try await env.residentToken(Self.otherCPR)
            let kept = try await post(client, mine, Self.fcm(Self.fcmToken(1))).id
            let removed = try await post(client, mine, Self.webPush()).id
            let theirDevice = try await post(client, theirs, Self.fcm(Self.fcmToken(2))).id

            let answer = try await delete(client, mine, removed)
            #expect(answer.status == .noContent)
            #expect(answer.text.isEmpty)
            #expect(try await store(env).list(try CPR(Self.cpr)).map(\.id) == [kept])
            #expect(try await env.redis.send("HLEN", try devicesKey()).int == 3)

            let before = try await storedFields(env)
            let theirsBefore = try await storedFields(env, Self.otherCPR)
            for id in [removed, "dev_00000000000000000000000000000000", theirDevice, "hash:abc", "at:\(kept)"] {
                let answer = try await delete(client, mine, id)
                #expect(answer.status == .notFound, "\(id)")
                #expect(answer.contentType == "application/problem+json")
                #expect(answer.json["status"] as? Int == 404)
            }
            #expect(try await storedFields(env) == before)
            #expect(try await storedFields(env, Self.otherCPR) == theirsBefore)

            // Once re-registered after removal, the endpoint is a new device.
            let back = try await post(client, mine, Self.webPush()).id
            #expect(back != removed && back.hasPrefix("dev_"))
        }
    }

    @Test func storeRemovesByTokenAndErasesAll() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let devices = store(env)
        let cpr = try CPR(Self.cpr)
        let subscription = Device.WebPushSubscription(endpoint: Self.endpoint, p256dh: Self.p256dh, auth: Self.auth)
        let fcm = try Device(id: Digest.randomID(prefix: "dev_"), platform: .fcm, token: Self.fcmToken(), subscription: nil, createdAt: Date())
        let push = try Device(id: Digest.randomID(prefix: "dev_"), platform: .webpush, token: nil, subscription: subscription, createdAt: Date())
        _ = try await devices.register(fcm, cpr: cpr, max: 5)
        _ = try await devices.register(push, cpr: cpr, max: 5)

        #expect(try await devices.removeByToken(cpr, token: Self.fcmToken()))
        #expect(try await devices.removeByToken(cpr, token: Self.fcmToken()) == false)
        #expect(try await devices.list(cpr).map(\.id) == [push.id])
        #expect(try await devices.removeByToken(cpr, token: Self.endpoint))
        #expect(try await env.redis.send("EXISTS", try devicesKey()).int == 0)
        #expect(try await devices.remove(cpr, id: push.id) == false)

        _ = try await devices.register(fcm, cpr: cpr, max: 5)
        try await devices.removeAll(cpr)
        #expect(try await devices.list(cpr).isEmpty)
        #expect(try await env.redis.send("EXISTS", try devicesKey()).int == 0)
    }

    @Test(arguments: [
        (#"{"platform":"fcm","#, "body"),
        ("[]", "body"),
        ("", "body"),
        (#"{"token":"\#(DevicesTests.fcmToken())"}"#, "platform"),
        (#"{"platform":5,"token":"\#(DevicesTests.fcmToken())"}"#, "platform"),
        (#"{"platform":"fcm","token":12345678901234567890123}"#, "token"),
        (#"{"platform":"webpush","subscription":"https://fcm.googleapis.com/x"}"#, "subscription"),
        (#"{"platform":"webpush","subscription":{"endpoint":"https://a.example/x","keys":{"p256dh":1,"auth":"x"}}}"#, "subscription.keys.p256dh"),
        (#"{"platform":"sms","token":"\#(DevicesTests.fcmToken())"}"#, "platform"),
        (#"{"platform":"fcm","token":"\#(DevicesTests.fcmToken())","name":"phone"}"#, "name"),
        (#"{"platform":"fcm","token":"\#(String(repeating: "a", count: 4097))"}"#, "token"),
        (#"{"platform":"fcm","token":"short:token"}"#, "token"),
        (#"{"platform":"fcm","token":"has spaces in the token value"}"#, "token"),
        (#"{"platform":"fcm"}"#, "token"),
        (#"{"platform":"apns","token":"\#(String(repeating: "g", count: 64))"}"#, "token"),
        (#"{"platform":"apns","token":"\#(String(repeating: "a", count: 63))"}"#, "token"),
        (#"{"platform":"fcm","token":"\#(DevicesTests.fcmToken())","subscription":{"endpoint":"\#(DevicesTests.endpoint)"}}"#, "subscription"),
        (#"{"platform":"webpush"}"#, "subscription"),
        (#"{"platform":"webpush","token":"\#(DevicesTests.fcmToken())"}"#, "token"),
        (DevicesTests.webPush(endpoint: "http://fcm.googleapis.com/fcm/send/abc"), "subscription.endpoint"),
        (DevicesTests.webPush(endpoint: "not a url"), "subscription.endpoint"),
        (DevicesTests.webPush(p256dh: Base64URL.encode([0x05] + Array(repeating: 1, count: 64))), "subscription.p256dh"),
        (DevicesTests.webPush(p256dh: Base64URL.encode(Array(repeating: 4, count: 33))), "subscription.p256dh"),
        (DevicesTests.webPush(p256dh: "not*base64"), "subscription.p256dh"),
        (#"{"platform":"webpush","subscription":{"endpoint":"\#(DevicesTests.endpoint)"}}"#, "subscription.p256dh"),
        (DevicesTests.webPush(auth: Base64URL.encode(Array(repeating: 1, count: 15))), "subscription.auth"),
        (DevicesTests.webPush(auth: "!!"), "subscription.auth"),
    ])
    func badDevicesAreRefusedNamingTheField(_ body: String, _ field: String) async throws {
        try await withApp { env, client in
            let token = try await env.residentToken(Self.cpr)
            let fresh = try await env.residentToken(Self.otherCPR)
            // One resident already has a device (it must stay exactly as it is), the other has none.
            #expect(try await post(client, token, Self.fcm(Self.fcmToken(9))).status == .created)
            let before = try await storedFields(env)
            for bearer in [token, fresh] {
                let answer = try await post(client, bearer, body)
                #expect(answer.status == .unprocessableContent, "\(answer.text)")
                #expect(answer.contentType == "application/problem+json")
                #expect(answer.errorFields.contains(field), "\(body.prefix(120)): \(answer.errorFields)")
            }
            #expect(try await storedFields(env) == before)
            #expect(try await env.redis.send("EXISTS", try devicesKey(Self.otherCPR)).int == 0)
        }
    }
}
