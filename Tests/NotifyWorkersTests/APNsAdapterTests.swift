import Crypto
import Foundation
import JWTKit
import NotifyCore
import Synchronization
import Testing
import Transport
@testable import NotifyWorkers

@Suite struct APNsAdapterTests {
    static let token = String(repeating: "ab12", count: 16)
    let key = P256.Signing.PrivateKey()

    func config(base: String = "https://api.push.apple.com", age: Duration = .seconds(50 * 60)) -> APNsConfiguration {
        APNsConfiguration(baseURL: base, keyFile: "AuthKey_ABC123DEFG.p8", keyId: "ABC123DEFG", teamId: "TEAM123456", topic: "dk.example.notifyme",
                          tokenRefreshAge: age)
    }

    func adapter(_ http: PushStubHTTP, clock: PushTestClock = PushTestClock(), config: APNsConfiguration? = nil) throws -> APNsAdapter {
        try APNsAdapter(configuration: config ?? self.config(), keyPEM: key.pemRepresentation, transport: http, now: { clock.now })
    }

    func device() throws -> Device { try Device(id: "d1", platform: .apns, token: Self.token.uppercased(), subscription: nil, createdAt: Date()) }

    @Test func sendsAnAlertOverHTTP2() async throws {
        let http = PushStubHTTP(status: 200, headers: ["apns-id": "11111111-2222-8333-8444-555555555555"])
        let clock = PushTestClock()
        let accepted = try await adapter(http, clock: clock).send(pushMessage(to: Self.token, device: device(), urgent: true))
        #expect(accepted.messageId == "11111111-2222-8333-8444-555555555555")
        let request = try #require(http.requests.first)
        #expect(request.url == "https://api.push.apple.com/3/device/\(Self.token)")
        #expect(request.httpVersion == .http2TLS)
        #expect(request.headerValue("authorization")?.hasPrefix("bearer ") == true)
        #expect(request.headerValue("apns-topic") == "dk.example.notifyme")
        #expect(request.headerValue("apns-push-type") == "alert")
        #expect(request.headerValue("apns-priority") == "10")
        #expect(request.headerValue("apns-expiration") == String(Int(clock.now.timeIntervalSince1970) + 86400))
        #expect(request.headerValue("apns-id") == PushIdempotency.uuid(for: "n1:d1"))
        #expect(request.headerValue("apns-collapse-id") == PushIdempotency.uuid(for: "n1:d1"))
        let aps = try #require(request.jsonObject["aps"] as? [String: Any])
        let alert = try #require(aps["alert"] as? [String: String])
        #expect(alert == ["title": "Permit", "body": "Your permit is ready"])
        #expect(aps["sound"] as? String == "default")
        #expect(request.jsonObject["eventType"] as? String == "permit.ready")
    }

    @Test func simulatorURLUsesCleartextHTTP2AndNormalPriority() async throws {
        let http = PushStubHTTP(status: 200)
        let sent = try await adapter(http, config: config(base: "http://127.0.0.1:4011/")).send(pushMessage(to: Self.token, device: device()))
        let request = try #require(http.requests.first)
        #expect(request.url == "http://127.0.0.1:4011/3/device/\(Self.token)")
        #expect(request.httpVersion == .http2PriorKnowledge)
        #expect(request.headerValue("apns-priority") == "5")
        #expect(sent.messageId == PushIdempotency.uuid(for: "n1:d1"))  // no apns-id answered: ours
    }

    @Test(arguments: [
        (410, "Unregistered", ProviderError.Kind.deadRecipient), (400, "BadDeviceToken", .deadRecipient),
        (400, "DeviceTokenNotForTopic", .deadRecipient), (400, "PayloadEmpty", .permanent), (400, "TopicDisallowed", .permanent),
        (413, "PayloadTooLarge", .permanent), (403, "ExpiredProviderToken", .transient), (403, "InvalidProviderToken", .transient),
        (429, "TooManyRequests", .transient), (500, "InternalServerError", .transient), (503, "ServiceUnavailable", .transient),
    ])
    func errorsAreClassifiedByStatusAndReason(status: Int, reason: String, kind: ProviderError.Kind) {
        let answer = pushResponse(status, #"{"reason":"\#(reason)","timestamp":1750000000000}"#, headers: ["Retry-After": "120"])
        let error = APNsAdapter.classify(answer, reason: APNsAdapter.reason(answer), provider: "apns")
        #expect(error.kind == kind)
        #expect(error.detail.contains(reason))
        if status == 429 || status >= 500 { #expect(error.retryAfter == .seconds(120)) }
    }

    @Test func apnsIdIsADeterministicUUID() {
        let a = PushIdempotency.uuid(for: "notif-1:device-1")
        #expect(a == PushIdempotency.uuid(for: "notif-1:device-1"))
        #expect(a != PushIdempotency.uuid(for: "notif-1:device-2"))
        #expect(a.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil)
        #expect(UUID(uuidString: a) != nil)
        // The first 16 bytes of SHA-256("notif-1:device-1") with the version and variant bits set (worked out apart):
        // a tag sent before an upgrade is the tag sent after it.
        #expect(a == "8ada7f06-0623-8e52-a1ac-a5b8a0849c6c")
    }

    @Test func malformedDeviceTokenIsADeadRecipientAndNeverSent() async throws {
        let http = PushStubHTTP(status: 200)
        await #expect { try await adapter(http).send(pushMessage(to: "../../3/device/x")) } throws: { error in
            (error as? ProviderError)?.kind == .deadRecipient
        }
        #expect(http.requests.isEmpty)
    }

    @Test(arguments: [19, 61])
    func tokenRefreshAgeOutsideTwentyToSixtyMinutesIsRefused(minutes: Int) {
        #expect { try adapter(PushStubHTTP(status: 200), config: config(age: .seconds(minutes * 60))) } throws: { error in
            (error as? PushConfigurationError)?.setting == "tokenRefreshAge"
        }
    }

    @Test func unreadableOrInvalidKeyFilesAreNamed() throws {
        var config = config()
        config.keyFile = try pushTemporaryPath("missing.p8")
        #expect { try APNsAdapter(configuration: config, transport: PushStubHTTP(status: 200)) } throws: { error in
            (error as? PushConfigurationError)?.isUnreadableFile == true
        }
        #expect { try APNsAdapter(configuration: config, keyPEM: "not a key", transport: PushStubHTTP(status: 200)) } throws: { error in
            (error as? PushConfigurationError)?.isInvalidKey == true
        }
    }
}
