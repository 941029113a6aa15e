import Crypto
import Foundation
import ProviderSim
import Testing
import Transport

extension ProviderSimTests {
    @Suite(.timeLimit(.minutes(2)))
    struct WebPushTests {
        /// An application server's VAPID key pair.
        struct VAPID {
            let key = P256.Signing.PrivateKey()
            var publicKey: String { TestJWT.base64URL(key.publicKey.x963Representation) }

            func header(audience: String, exp: Int = TestJWT.now + 3600, sub: String = "mailto:ops@notifyme.gov.bh") throws -> String {
                let jwt = try TestJWT.es256(claims: ["aud": audience, "exp": exp, "sub": sub], key: key)
                return "vapid t=\(jwt), k=\(publicKey)"
            }
        }

        static func push(
            _ sim: ProviderSimulator, _ subscription: WebPushSubscription, text: String, vapid: VAPID = VAPID(),
            authorization: String? = nil, headers extra: [(String, String)] = [], body: [UInt8]? = nil
        ) async throws -> Transport.HTTPResponse {
            let payload = try body ?? TestWebPushEncryptor.encrypt(Array(text.utf8), p256dh: subscription.p256dh, auth: subscription.auth, padding: 3)
            var headers = [("TTL", "60"), ("Content-Encoding", "aes128gcm"), ("Content-Type", "application/octet-stream")]
            headers.append(("Authorization", try authorization ?? vapid.header(audience: sim.baseURL)))
            let overridden = Set(extra.map { $0.0 })
            return try await send(subscription.endpoint, headers: headers.filter { !overridden.contains($0.0) } + extra, body: payload)
        }

        @Test func decryptsAnEncryptedMessage() async throws {
            try await withSimulator { sim in
                let subscription = sim.createWebPushSubscription()
                #expect(subscription.endpoint == sim.baseURL + "/webpush/" + subscription.id)
                #expect(TestJWT.base64URLDecode(subscription.p256dh)?.count == 65)
                #expect(TestJWT.base64URLDecode(subscription.auth)?.count == 16)
                let text = #"{"title":"Emergency alert","body":"Southern Governorate"}"#
                let response = try await Self.push(sim, subscription, text: text)
                #expect(response.status == 201)
                #expect(response.header("Location")?.hasPrefix(sim.baseURL + "/webpush/messages/") == true)
                #expect(try sim.messages(provider: "webpush").map(\.text) == [text])
                #expect(try sim.counts(provider: "webpush") == [subscription.id: 1])
            }
        }

        @Test func subscriptionFromTheControlAPIAndTopicReplacement() async throws {
            try await withSimulator { sim in
                let created = try await send(sim.baseURL + "/_sim/webpush/subscriptions")
                #expect(created.status == 201)
                let subscription = try JSONDecoder().decode(WebPushSubscription.self, from: Data(created.body))
                for text in ["first", "second"] {
                    let response = try await Self.push(sim, subscription, text: text, headers: [("Topic", "passport")])
                    #expect(response.status == 201)
                }
                #expect(try sim.counts(provider: "webpush") == [subscription.id: 1])
                #expect(try sim.messages(provider: "webpush").map(\.text) == ["second"])
                #expect(try await Self.push(sim, subscription, text: "third").status == 201)
                #expect(try sim.counts(provider: "webpush") == [subscription.id: 2])
            }
        }

        @Test func refusesBadHeadersBodiesAndSubscriptions() async throws {
            try await withSimulator { sim in
                let subscription = sim.createWebPushSubscription()
                let noTTL = try await Self.push(sim, subscription, text: "x", headers: [("TTL", "")])
                #expect(noTTL.status == 400)
                let wrongCoding = try await Self.push(sim, subscription, text: "x", headers: [("Content-Encoding", "aesgcm")])
                #expect(wrongCoding.status == 400)
                var tampered = try TestWebPushEncryptor.encrypt(Array("x".utf8), p256dh: subscription.p256dh, auth: subscription.auth)
                tampered[tampered.count - 1] ^= 1
                #expect(try await Self.push(sim, subscription, text: "", body: tampered).status == 400)
                let otherSubscription = sim.createWebPushSubscription()
                let wrongKeys = try TestWebPushEncryptor.encrypt(Array("x".utf8), p256dh: otherSubscription.p256dh, auth: otherSubscription.auth)
                #expect(try await Self.push(sim, subscription, text: "", body: wrongKeys).status == 400)
                let tooLarge = try await Self.push(sim, subscription, text: String(repeating: "a", count: 4100))
                #expect(tooLarge.status == 413)

                let unknown = WebPushSubscription(endpoint: sim.baseURL + "/webpush/nope", p256dh: subscription.p256dh, auth: subscription.auth)
                #expect(try await Self.push(sim, unknown, text: "x").status == 404)
                try sim.markDead(provider: "webpush", recipient: otherSubscription.id)
                #expect(try await Self.push(sim, otherSubscription, text: "x").status == 410)
                #expect(try sim.counts(provider: "webpush").isEmpty)
            }
        }

        @Test func verifiesVAPID() async throws {
            try await withSimulator { sim in
                let subscription = sim.createWebPushSubscription()
                let vapid = VAPID()
                let other = VAPID()
                let cases: [String?] = [
                    try vapid.header(audience: "http://push.example.net"),
                    try vapid.header(audience: sim.baseURL, exp: TestJWT.now - 10),
                    try vapid.header(audience: sim.baseURL, exp: TestJWT.now + 2 * 86_400),
                    try vapid.header(audience: sim.baseURL, sub: "ops@notifyme.gov.bh"),
                    try vapid.header(audience: sim.baseURL).replacingOccurrences(of: "k=\(vapid.publicKey)", with: "k=\(other.publicKey)"),
                    "WebPush abc",
                ]
                for authorization in cases {
                    let response = try await Self.push(sim, subscription, text: "x", authorization: authorization)
                    #expect(response.status == 401, "\(authorization ?? "")")
                }
                let restricted = sim.createWebPushSubscription(applicationServerKey: Array(vapid.key.publicKey.x963Representation))
                #expect(try await Self.push(sim, restricted, text: "x", vapid: other).status == 403)
                #expect(try await Self.push(sim, restricted, text: "x", vapid: vapid).status == 201)
                #expect(try sim.counts(provider: "webpush") == [restricted.id: 1])
            }
        }
    }
}
