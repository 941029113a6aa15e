import Foundation
import NotifyCore
import NotifyTestSupport
import ProviderSim
import Testing
import Transport
@testable import NotifyWorkers

/// FCM, APNs (HTTP/2) and Web Push adapters against the simulator, credentials and all.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct PushProviderTests {
    static func message(to: String, device: Device? = nil, key: String) -> OutboundMessage {
        OutboundMessage(notificationId: "ntf_1", channel: .push, eventType: "traffic.fine-issued", to: to, device: device, subject: "Traffic fine",
                        body: "A fine of 50 BHD for vehicle 12345.", data: ["notificationId": "ntf_1"], idempotencyKey: key)
    }

    static func failure(_ body: () async throws -> ProviderAcceptance) async -> ProviderError? {
        do { _ = try await body(); return nil } catch { return error as? ProviderError }
    }

    @Test func fcmApnsAndWebPushDeliverAndReportDeadTokens() async throws {
        let dir = try Loopback.temporaryDirectory("nm-sim").path
        let transport = CurlTransport()
        defer { transport.shutdown() }
        try await ProviderSimulator.withRunning(SimulatorConfiguration(credentialsDirectory: dir)) { sim in
            // FCM: service-account JWT exchanged for an access token, cached across sends.
            let fcm = try FCMAdapter(configuration: FCMConfiguration(name: "fcm", baseURL: "\(sim.baseURL)/fcm",
                                                                      serviceAccountFile: "\(dir)/fcm-service-account.json"), transport: transport)
            let token = "fcm-token-" + String(repeating: "x", count: 20)
            let first = try await fcm.send(Self.message(to: token, key: "k1"))
            _ = try await fcm.send(Self.message(to: token, key: "k2"))
            #expect(first.messageId.contains("/messages/"))
            #expect(try sim.counts(provider: "fcm") == [token: 2])
            #expect(sim.tokenGrants == 1)
            #expect(try sim.messages(provider: "fcm").first?.title == "Traffic fine")
            let unregistered = await Self.failure { try await fcm.send(Self.message(to: "dead-" + token, key: "k3")) }
            #expect(unregistered?.kind == .deadRecipient)
            try sim.setBehaviour(ProviderBehaviour(outage: true), for: "fcm")
            #expect(await Self.failure { try await fcm.send(Self.message(to: token, key: "k4")) }?.kind == .transient)

            // APNs: ES256 provider token over HTTP/2; a resend with the same key has the same apns-id and counts once.
            let apns = sim.credentials.apns
            let apnsAdapter = try APNsAdapter(configuration: APNsConfiguration(
                name: "apns", baseURL: sim.apnsURL, keyFile: "\(dir)/apns-key.p8", keyId: apns.keyId, teamId: apns.teamId, topic: apns.topic),
                transport: transport)
            let device = String(repeating: "ab", count: 32)
            let a = try await apnsAdapter.send(Self.message(to: device, key: "ntf_1:device:1"))
            let b = try await apnsAdapter.send(Self.message(to: device, key: "ntf_1:device:1"))
            #expect(a == b)
            #expect(try sim.counts(provider: "apns") == [device: 1])
            #expect(sim.apnsProviderTokens == 1)
            let gone = await Self.failure { try await apnsAdapter.send(Self.message(to: "dead" + String(repeating: "0", count: 60), key: "k5")) }
            #expect(gone?.kind == .deadRecipient)

            // Web Push: VAPID and aes128gcm; the simulator decrypts what it received.
            let subscription = sim.createWebPushSubscription()
            let web = try Device(id: "dev_" + String(repeating: "c", count: 32), platform: .webpush, token: nil,
                                 subscription: .init(endpoint: subscription.endpoint, p256dh: subscription.p256dh, auth: subscription.auth), createdAt: Date())
            let webAdapter = try WebPushAdapter(configuration: WebPushConfiguration(
                name: "webpush", vapidKeyFile: "\(dir)/vapid.pem", createKeyIfMissing: true, subject: "mailto:ops@notify.gov.bh",
                additionalAllowedHosts: ["127.0.0.1"], allowHTTP: true), transport: transport)
            _ = try await webAdapter.send(Self.message(to: subscription.endpoint, device: web, key: "ntf_1:device:web"))
            let plain = try #require(try sim.messages(provider: "webpush").first?.text)
            #expect(plain.contains("A fine of 50 BHD"))
            try sim.markDead(provider: "webpush", recipient: subscription.id)
            let expired = await Self.failure { try await webAdapter.send(Self.message(to: subscription.endpoint, device: web, key: "k6")) }
            #expect(expired?.kind == .deadRecipient)
            // An endpoint outside the allowlist is never contacted.
            var elsewhere = web
            elsewhere.subscription?.endpoint = "https://internal.example/admin"
            let refused = await Self.failure { try await webAdapter.send(Self.message(to: "https://internal.example/admin", device: elsewhere, key: "k7")) }
            #expect(refused?.kind == .permanent)
        }
    }
}
