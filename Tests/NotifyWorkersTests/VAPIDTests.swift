import Crypto
import Foundation
import JWTKit
import NotifyCore
import Testing
import Transport
@testable import NotifyWorkers

/// Claims of a VAPID JWT as a push service reads them.
struct ReceivedVAPIDClaims: JWTPayload {
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var sub: SubjectClaim
    func verify(using algorithm: some JWTAlgorithm) async throws { try exp.verifyNotExpired() }
}

extension WebPushAdapterTests {
    @Test func vapidHeaderCarriesAVerifiableJWT() async throws {
        let http = PushStubHTTP(status: 201)
        let key = VAPIDKey.generate()
        let device = try Browser().device(endpoint: "https://updates.push.services.mozilla.com/wpush/v2/abc")
        let before = Date()
        _ = try await adapter(http, key: key).send(pushMessage(to: "", device: device))
        let authorization = try #require(http.requests.first?.headerValue("Authorization"))

        // vapid t=<jwt>, k=<uncompressed public key>
        let match = try #require(authorization.wholeMatch(of: /vapid t=([A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+), k=([A-Za-z0-9_\-]+)/))
        let (jwt, k) = (String(match.1), String(match.2))
        #expect(k == key.publicKeyBase64URL)
        let publicKey = try #require(Base64URL.decode(k))
        #expect(publicKey.count == 65 && publicKey.first == 0x04)

        let keys = JWTKeyCollection()
        await keys.add(ecdsa: try ES256PublicKey(backing: P256.Signing.PublicKey(x963Representation: publicKey)))
        let claims = try await keys.verify(jwt, as: ReceivedVAPIDClaims.self)
        #expect(claims.aud.value == ["https://updates.push.services.mozilla.com"])
        #expect(claims.sub.value == "mailto:ops@notifyme.example")
        let lifetime = claims.exp.value.timeIntervalSince(before)
        #expect(lifetime > 12 * 3600 - 5 && lifetime < 12 * 3600 + 5)
        #expect(pushJWTSegment(jwt, 0)["alg"] as? String == "ES256")
        #expect(pushJWTSegment(jwt, 0)["typ"] as? String == "JWT")
    }

    @Test func vapidAudienceIsTheEndpointOrigin() throws {
        #expect(WebPushEndpoint("https://Push.Example.net:8443/a/b?c", allowHTTP: false)?.origin == "https://push.example.net:8443")
        #expect(WebPushEndpoint("https://push.example.net:443/a", allowHTTP: false)?.origin == "https://push.example.net")
        #expect(WebPushEndpoint("http://127.0.0.1:9000/webpush/x", allowHTTP: true)?.origin == "http://127.0.0.1:9000")
        #expect(WebPushEndpoint("http://127.0.0.1:9000/webpush/x", allowHTTP: false) == nil)
        #expect(WebPushEndpoint("http://[::1]:8080/x", allowHTTP: true)?.origin == "http://[::1]:8080")
        #expect(WebPushEndpoint("https://[evil.example]/x", allowHTTP: false) == nil)
        #expect(WebPushEndpoint("https://push.example.net:99999/x", allowHTTP: false) == nil)
    }

    @Test func vapidKeyFileIsCreatedOnceWhenAllowed() throws {
        let path = try pushTemporaryPath("vapid.pem")
        #expect(throws: PushConfigurationError.self) { try VAPIDKey.load(path: path, createIfMissing: false) }
        let created = try VAPIDKey.load(path: path, createIfMissing: true)
        let again = try VAPIDKey.load(path: path, createIfMissing: true)
        #expect(created.publicKeyBase64URL == again.publicKeyBase64URL)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        var config = Self.config
        config.vapidKeyFile = path
        #expect(try WebPushAdapter(configuration: config, transport: PushStubHTTP(status: 201)).vapidPublicKey == created.publicKeyBase64URL)
    }
}
