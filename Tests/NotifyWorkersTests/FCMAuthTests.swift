import Crypto
import Foundation
import JWTKit
import NotifyCore
import Synchronization
import Testing
import Transport
@testable import NotifyWorkers

/// Claims of the service-account assertion as Google's token endpoint reads them.
struct ReceivedAssertionClaims: JWTPayload {
    var iss: IssuerClaim
    var aud: AudienceClaim
    var scope: String
    var iat: IssuedAtClaim
    var exp: ExpirationClaim
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

extension FCMAdapterTests {
    @Test func assertionIsAnRS256JWTForTheMessagingScope() async throws {
        let account = try #require(Self.account)
        let now = Date()
        let jwt = try await account.assertion(now: now)
        let keys = JWTKeyCollection()
        await keys.add(rsa: try Insecure.RSA.PrivateKey(pem: PushTestKeys.rsaPEM).publicKey, digestAlgorithm: .sha256, kid: JWKIdentifier(string: "key-1"))
        let claims = try await keys.verify(jwt, as: ReceivedAssertionClaims.self)
        #expect(claims.iss.value == "push@notifyme-test.iam.gserviceaccount.com")
        #expect(claims.aud.value == ["http://127.0.0.1:9/token"])
        #expect(claims.scope == "https://www.googleapis.com/auth/firebase.messaging")
        #expect(Int(claims.iat.value.timeIntervalSince1970) == Int(now.timeIntervalSince1970))
        #expect(claims.exp.value.timeIntervalSince(claims.iat.value) == 3600)
        #expect(pushJWTSegment(jwt, 0)["alg"] as? String == "RS256")
        #expect(pushJWTSegment(jwt, 0)["kid"] as? String == "key-1")
        #expect(pushJWTSegment(jwt, 1)["aud"] is String)  // Google wants a single audience string
    }

    @Test func concurrentSendsShareOneAccessTokenFetch() async throws {
        let google = FakeGoogle()
        let fcm = try adapter(google.http)
        let message = pushMessage(to: Self.token, device: try device())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 { group.addTask { _ = try await fcm.send(message) } }
            try await group.waitForAll()
        }
        #expect(google.tokenFetches == 1)
        #expect(google.http.requests.filter { $0.url.hasSuffix("messages:send") }.count == 20)
    }

    @Test func accessTokenIsReusedUntilAMinuteBeforeItExpires() async throws {
        let fetches = Mutex(0)
        let cache = FCMTokenCache(margin: .seconds(60)) {
            let n = fetches.withLock { $0 += 1; return $0 }
            return FCMTokenCache.Grant(token: "t\(n)", expiresIn: 3600)
        }
        let start = Date(timeIntervalSince1970: 1_750_000_000)
        #expect(try await cache.token(now: start) == "t1")
        #expect(try await cache.token(now: start.addingTimeInterval(3539)) == "t1")
        #expect(try await cache.token(now: start.addingTimeInterval(3540)) == "t2")
        await cache.invalidate("t1")  // stale refusal: keeps t2
        #expect(try await cache.token(now: start.addingTimeInterval(3541)) == "t2")
    }

    @Test func unauthenticatedDropsTheAccessTokenSoTheRetryFetchesAnother() async throws {
        let google = FakeGoogle()
        google.answerSends([pushResponse(401, #"{"error":{"code":401,"status":"UNAUTHENTICATED"}}"#)])
        let fcm = try adapter(google.http)
        await #expect { try await fcm.send(pushMessage(to: Self.token, device: device())) } throws: { error in
            let e = error as? ProviderError
            return e?.kind == .transient && e?.countsAgainstProvider == true
        }
        _ = try await fcm.send(pushMessage(to: Self.token, device: device()))
        #expect(google.tokenFetches == 2)
        #expect(google.http.requests.last?.headerValue("Authorization") == "Bearer ya29.token-2")
    }

    @Test func refusedCredentialsAtTheTokenEndpointAreTransientAgainstTheProvider() async throws {
        let http = PushStubHTTP(status: 400, body: #"{"error":"invalid_grant","error_description":"Invalid JWT Signature."}"#)
        await #expect { try await adapter(http).send(pushMessage(to: Self.token, device: device())) } throws: { error in
            let e = error as? ProviderError
            return e?.kind == .transient && e?.countsAgainstProvider == true && e?.detail.contains("invalid_grant") == true
        }
        #expect(http.requests.count == 1)
    }
}
