import Crypto
import Foundation
import JWTKit
import NotifyCore
import Synchronization
import Testing
import Transport
@testable import NotifyWorkers

/// Claims of an APNs provider token as APNs reads them.
struct ReceivedAPNsClaims: JWTPayload {
    var iss: IssuerClaim
    var iat: IssuedAtClaim
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

extension APNsAdapterTests {
    @Test func providerTokenIsSignedWithTheKeyIdAndTeam() async throws {
        let http = PushStubHTTP(status: 200)
        let clock = PushTestClock()
        _ = try await adapter(http, clock: clock).send(pushMessage(to: Self.token, device: device()))
        let jwt = String(try #require(http.requests.first?.headerValue("authorization")).dropFirst("bearer ".count))
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: try ES256PublicKey(backing: key.publicKey), kid: JWKIdentifier(string: "ABC123DEFG"))
        let claims = try await keys.verify(jwt, as: ReceivedAPNsClaims.self)
        #expect(claims.iss.value == "TEAM123456")
        #expect(Int(claims.iat.value.timeIntervalSince1970) == Int(clock.now.timeIntervalSince1970))
        #expect(pushJWTSegment(jwt, 0)["kid"] as? String == "ABC123DEFG")
        #expect(pushJWTSegment(jwt, 0)["alg"] as? String == "ES256")
        #expect(Set(pushJWTSegment(jwt, 1).keys) == ["iss", "iat"])
    }

    @Test(arguments: [20, 50, 60])
    func providerTokenIsReplacedOnlyAfterTheConfiguredAge(minutes: Int) async throws {
        let cache = APNsTokenCache(key: try ES256PrivateKey(backing: key), keyId: "K", teamId: "T", refreshAge: .seconds(minutes * 60))
        let start = Date(timeIntervalSince1970: 1_750_000_000)
        let first = try await cache.token(now: start)
        #expect(try await cache.token(now: start.addingTimeInterval(19 * 60)) == first)
        #expect(try await cache.token(now: start.addingTimeInterval(Double(minutes * 60) - 1)) == first)
        let second = try await cache.token(now: start.addingTimeInterval(Double(minutes * 60)))
        #expect(second != first)
        #expect(await cache.signCount == 2)
    }

    @Test func refusedProviderTokenIsReplacedEarlyOnce() async throws {
        let cache = APNsTokenCache(key: try ES256PrivateKey(backing: key), keyId: "K", teamId: "T", refreshAge: .seconds(50 * 60))
        let start = Date(timeIntervalSince1970: 1_750_000_000)
        let first = try await cache.token(now: start)
        await cache.invalidate(first)
        let second = try await cache.token(now: start.addingTimeInterval(60))
        #expect(second != first)
        await cache.invalidate(first)  // a late 403 for the old token must not discard the new one
        #expect(try await cache.token(now: start.addingTimeInterval(120)) == second)
        #expect(await cache.signCount == 2)
    }

    @Test func expiredProviderTokenIsTransientAndReplacedForTheRetry() async throws {
        let answers = Mutex([pushResponse(403, #"{"reason":"ExpiredProviderToken"}"#), pushResponse(200)])
        let http = PushStubHTTP { _ in answers.withLock { $0.removeFirst() } }
        let apns = try adapter(http)
        await #expect { try await apns.send(pushMessage(to: Self.token, device: device())) } throws: { error in
            (error as? ProviderError)?.kind == .transient
        }
        _ = try await apns.send(pushMessage(to: Self.token, device: device()))
        let tokens = http.requests.compactMap { $0.headerValue("authorization") }
        #expect(tokens.count == 2 && tokens[0] != tokens[1])
    }

    @Test func concurrentSendsShareOneProviderToken() async throws {
        let http = PushStubHTTP(status: 200)
        let apns = try adapter(http)
        let message = pushMessage(to: Self.token, device: try device())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 { group.addTask { _ = try await apns.send(message) } }
            try await group.waitForAll()
        }
        #expect(Set(http.requests.compactMap { $0.headerValue("authorization") }).count == 1)
        #expect(await apns.tokens.signCount == 1)
    }
}
