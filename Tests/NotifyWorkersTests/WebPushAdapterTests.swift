import Crypto
import Foundation
import JWTKit
import NotifyCore
import Testing
import Transport
@testable import NotifyWorkers

@Suite struct WebPushAdapterTests {
    static let config = WebPushConfiguration(vapidKeyFile: "/nonexistent/vapid.pem", subject: "mailto:ops@notifyme.example",
                                             additionalAllowedHosts: ["127.0.0.1"], allowHTTP: true)

    /// A browser subscription: its private key, to read what it is sent.
    struct Browser {
        let key = P256.KeyAgreement.PrivateKey()
        let auth = (0..<16).map { _ in UInt8.random(in: 0...255) }
        func device(endpoint: String) throws -> Device {
            let subscription = Device.WebPushSubscription(endpoint: endpoint, p256dh: Base64URL.encode(Array(key.publicKey.x963Representation)),
                                                          auth: Base64URL.encode(auth))
            return try Device(id: "d1", platform: .webpush, token: nil, subscription: subscription, createdAt: Date())
        }
    }

    func adapter(_ http: PushStubHTTP, key: VAPIDKey = .generate(), config: WebPushConfiguration = Self.config) throws -> WebPushAdapter {
        try WebPushAdapter(configuration: config, key: key, transport: http)
    }

    @Test func sendsAnEncryptedSignedRequest() async throws {
        let http = PushStubHTTP(status: 201, headers: ["Location": "https://fcm.googleapis.com/message/abc"])
        let key = VAPIDKey.generate()
        let browser = Browser()
        let device = try browser.device(endpoint: "https://fcm.googleapis.com/fcm/send/sub-1")
        let accepted = try await adapter(http, key: key).send(pushMessage(to: device.subscription?.endpoint ?? "", device: device, urgent: true))
        #expect(accepted.messageId == "https://fcm.googleapis.com/message/abc")

        let request = try #require(http.requests.first)
        #expect(request.method == "POST")
        #expect(request.url == "https://fcm.googleapis.com/fcm/send/sub-1")
        #expect(request.headerValue("Content-Encoding") == "aes128gcm")
        #expect(request.headerValue("Content-Type") == "application/octet-stream")
        #expect(request.headerValue("TTL") == "86400")
        #expect(request.headerValue("Urgency") == "high")
        let topic = try #require(request.headerValue("Topic"))
        #expect(topic.count <= 32 && Base64URL.decode(topic) != nil)

        let plain = try WebPushTestDecryptor.decrypt(request.body ?? [], uaKey: browser.key, auth: browser.auth)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(plain)) as? [String: Any])
        #expect(json["title"] as? String == "Permit")
        #expect(json["body"] as? String == "Your permit is ready")
        #expect((json["data"] as? [String: String])?["eventType"] == "permit.ready")
    }

    @Test(arguments: [
        ("https://fcm.googleapis.com/fcm/send/x", true),
        ("https://wns2-par02p.notify.windows.com/w/?token=x", true),
        ("https://web.push.apple.com/QGx", true),
        ("http://127.0.0.1:4010/webpush/x", true),
        ("https://evil.example/fcm/send/x", false),
        ("https://fcm.googleapis.com@evil.example/x", false),
        ("https://fcm.googleapis.com.evil.example/x", false),
        ("https://evil.example/fcm.googleapis.com/", false),
        ("https://notify.windows.com/x", false),
        ("https://evilnotify.windows.com/x", false),
        ("https://fcm.googleapis.com\\@evil.example/x", false),
        ("https://169.254.169.254/latest/meta-data", false),
        ("https://fcm%2egoogleapis.com/x", false),
    ])
    func onlyAllowedHostsAreContacted(endpoint: String, allowed: Bool) async throws {
        let http = PushStubHTTP(status: 201)
        let browser = Browser()
        let subscription = Device.WebPushSubscription(endpoint: endpoint, p256dh: Base64URL.encode(Array(browser.key.publicKey.x963Representation)),
                                                      auth: Base64URL.encode(browser.auth))
        let device = try Device(id: "d1", platform: .webpush, token: nil,
                                subscription: Device.WebPushSubscription(endpoint: "https://x.example/", p256dh: subscription.p256dh, auth: subscription.auth),
                                createdAt: Date())
        var message = pushMessage(to: endpoint, device: device)
        message.device?.subscription = subscription  // bypass Device validation: the adapter must not rely on it
        do {
            _ = try await adapter(http).send(message)
            #expect(allowed)
        } catch let error as ProviderError {
            #expect(!allowed)
            #expect(error.kind == .permanent)
            #expect(!error.detail.contains("evil"))
        }
        #expect(http.requests.count == (allowed ? 1 : 0))
    }

    @Test(arguments: [
        (404, ProviderError.Kind.deadRecipient), (410, .deadRecipient), (413, .permanent), (400, .permanent), (401, .permanent),
        (429, .transient), (500, .transient), (503, .transient),
    ])
    func statusesAreClassified(status: Int, kind: ProviderError.Kind) {
        let error = WebPushAdapter.classify(pushResponse(status, "{\"message\":\"secret body\"}", headers: ["Retry-After": "7"]), provider: "webpush")
        #expect(error.kind == kind)
        #expect(!error.detail.contains("secret"))
        if kind == .transient { #expect(error.retryAfter == .seconds(7)) }
    }

    @Test func topicIsStablePerIdempotencyKey() async throws {
        let http = PushStubHTTP(status: 201)
        let device = try Browser().device(endpoint: "https://fcm.googleapis.com/fcm/send/x")
        let adapter = try adapter(http)
        _ = try await adapter.send(pushMessage(to: "", device: device, key: "n1:d1"))
        _ = try await adapter.send(pushMessage(to: "", device: device, key: "n1:d1"))
        _ = try await adapter.send(pushMessage(to: "", device: device, key: "n2:d1"))
        let topics = http.requests.compactMap { $0.headerValue("Topic") }
        #expect(topics.count == 3 && topics[0] == topics[1] && topics[0] != topics[2])
        #expect(topics.allSatisfy { $0.count == 32 })
    }

    @Test func longBodiesAreShortenedToFitOneRecord() async throws {
        let http = PushStubHTTP(status: 201)
        let browser = Browser()
        let device = try browser.device(endpoint: "https://fcm.googleapis.com/fcm/send/x")
        _ = try await adapter(http).send(pushMessage(to: "", device: device, body: String(repeating: "å", count: 5000)))
        let plain = try WebPushTestDecryptor.decrypt(http.requests.first?.body ?? [], uaKey: browser.key, auth: browser.auth)
        #expect(plain.count <= WebPushEncryption.maxPlaintextLength && plain.count > 3900)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(plain)) as? [String: Any])
        #expect((json["body"] as? String)?.hasSuffix("…") == true)
    }

    @Test func badSettingsAreNamed() {
        var config = Self.config
        config.subject = "ops@notifyme.example"
        #expect { try WebPushAdapter(configuration: config, key: .generate(), transport: PushStubHTTP(status: 201)) } throws: { error in
            (error as? PushConfigurationError)?.setting == "subject"
        }
    }
}
