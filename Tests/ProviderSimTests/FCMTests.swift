import Foundation
import ProviderSim
import Testing
import Transport
import _CryptoExtras

extension ProviderSimTests {
    @Suite(.timeLimit(.minutes(2)))
    struct FCMTests {
        static let scope = "https://www.googleapis.com/auth/firebase.messaging"

        /// What an adapter reads from the service-account file.
        struct Account {
            let email: String, tokenURI: String, project: String, keyId: String, key: _RSA.Signing.PrivateKey

            init(_ sim: ProviderSimulator) throws {
                let json = try #require(try JSONSerialization.jsonObject(with: Data(sim.credentials.fcmServiceAccountJSON.utf8)) as? [String: Any])
                email = try #require(json["client_email"] as? String)
                tokenURI = try #require(json["token_uri"] as? String)
                project = try #require(json["project_id"] as? String)
                keyId = try #require(json["private_key_id"] as? String)
                key = try _RSA.Signing.PrivateKey(pemRepresentation: try #require(json["private_key"] as? String))
            }
        }

        static func assertion(_ account: Account, claims: [String: Any] = [:], key: _RSA.Signing.PrivateKey? = nil) throws -> String {
            let now = TestJWT.now
            let base: [String: Any] = ["iss": account.email, "scope": scope, "aud": account.tokenURI, "iat": now, "exp": now + 3600]
            return try TestJWT.rs256(header: ["kid": account.keyId], claims: base.merging(claims) { $1 }, key: key ?? account.key)
        }

        static func requestToken(_ account: Account, assertion: String) async throws -> Transport.HTTPResponse {
            try await send(account.tokenURI, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: formBody([
                ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", assertion),
            ]))
        }

        static func accessToken(_ sim: ProviderSimulator) async throws -> String {
            let account = try Account(sim)
            let response = try await requestToken(account, assertion: try assertion(account))
            return try #require(try object(response)["access_token"] as? String)
        }

        static func push(_ sim: ProviderSimulator, token: String, accessToken: String?, title: String = "Hi",
                         tag: String? = nil) async throws -> Transport.HTTPResponse {
            let url = sim.baseURL + "/fcm/v1/projects/notifyme-sim/messages:send"
            var android: [String: Any] = ["priority": "high"]
            if let tag { android["notification"] = ["tag": tag] }
            let message: [String: Any] = ["message": [
                "token": token, "notification": ["title": title, "body": "Body"], "data": ["k": "v"], "android": android,
            ]]
            return try await sendJSON(url, message, headers: accessToken.map { [("Authorization", "Bearer \($0)")] } ?? [])
        }

        static func fcmErrorCode(_ response: Transport.HTTPResponse) throws -> String? {
            let error = try object(response)["error"] as? [String: Any]
            return (error?["details"] as? [[String: Any]])?.first?["errorCode"] as? String
        }

        /// A device shows one notification per tag: a resend with the same tag replaces it and counts once.
        @Test func aResendWithTheSameTagCountsOnce() async throws {
            try await withSimulator { sim in
                let token = try await Self.accessToken(sim)
                for tag in ["t1", "t1", "t2"] {
                    #expect(try await Self.push(sim, token: "device-b", accessToken: token, tag: tag).status == 200)
                }
                #expect(try sim.counts(provider: "fcm") == ["device-b": 2])
            }
        }

        @Test func grantsATokenAndSends() async throws {
            try await withSimulator { sim in
                let account = try Account(sim)
                #expect(account.tokenURI == sim.baseURL + "/fcm/token")
                let response = try await Self.requestToken(account, assertion: try Self.assertion(account))
                #expect(response.status == 200)
                let grant = try object(response)
                let token = try #require(grant["access_token"] as? String)
                #expect(token.hasPrefix("ya29.sim-"))
                #expect(grant["expires_in"] as? Int == 3599)
                #expect(grant["token_type"] as? String == "Bearer")
                #expect(sim.tokenGrants == 1)

                for _ in 0..<2 {
                    let sent = try await Self.push(sim, token: "device-a", accessToken: token, title: "Passport")
                    #expect(sent.status == 200)
                    #expect((try object(sent)["name"] as? String)?.hasPrefix("projects/notifyme-sim/messages/") == true)
                }
                #expect(sim.tokenGrants == 1)
                #expect(try sim.counts(provider: "fcm") == ["device-a": 2])
                let stored = try #require(try sim.messages(provider: "fcm").first)
                #expect(stored.title == "Passport" && stored.body == "Body")
                #expect(stored.payload?.contains("\"priority\":\"high\"") == true)
            }
        }

        @Test func refusesBadAssertions() async throws {
            try await withSimulator { sim in
                let account = try Account(sim)
                let now = TestJWT.now
                let otherKey = try _RSA.Signing.PrivateKey(keySize: .bits2048)
                let cases: [(String, String)] = [
                    (try Self.assertion(account, key: otherKey), "invalid_grant"),
                    (try Self.assertion(account, claims: ["aud": "https://oauth2.googleapis.com/token"]), "invalid_grant"),
                    (try Self.assertion(account, claims: ["iss": "someone@else.iam.gserviceaccount.com"]), "invalid_grant"),
                    (try Self.assertion(account, claims: ["scope": "https://www.googleapis.com/auth/cloud-platform"]), "invalid_scope"),
                    (try Self.assertion(account, claims: ["iat": now, "exp": now + 7200]), "invalid_grant"),
                    (try Self.assertion(account, claims: ["iat": now - 7200, "exp": now - 3600]), "invalid_grant"),
                ]
                for (assertion, expected) in cases {
                    let response = try await Self.requestToken(account, assertion: assertion)
                    #expect(response.status == 400)
                    #expect(try object(response)["error"] as? String == expected)
                }
                #expect(sim.tokenGrants == 0)
            }
        }

        @Test func answersInGoogleErrorFormat() async throws {
            try await withSimulator(SimulatorConfiguration(fcmTokenLifetime: .seconds(3))) { sim in
                let noToken = try await Self.push(sim, token: "device-a", accessToken: nil)
                #expect(noToken.status == 401)
                #expect((try object(noToken)["error"] as? [String: Any])?["status"] as? String == "UNAUTHENTICATED")
                let forged = try await Self.push(sim, token: "device-a", accessToken: "ya29.forged")
                #expect(forged.status == 401)

                let token = try await Self.accessToken(sim)
                let dead = try await Self.push(sim, token: "dead-device", accessToken: token)
                #expect(dead.status == 404)
                #expect(try Self.fcmErrorCode(dead) == "UNREGISTERED")
                #expect((try object(dead)["error"] as? [String: Any])?["message"] as? String == "Requested entity was not found.")
                try sim.markDead(provider: "fcm", recipient: "device-b")
                #expect(try await Self.push(sim, token: "device-b", accessToken: token).status == 404)
                let invalid = try await Self.push(sim, token: "invalid-device", accessToken: token)
                #expect(invalid.status == 400)
                #expect(try Self.fcmErrorCode(invalid) == "INVALID_ARGUMENT")
                #expect(try sim.counts(provider: "fcm").isEmpty)

                try await Task.sleep(for: .milliseconds(3100))
                let expired = try await Self.push(sim, token: "device-a", accessToken: token)
                #expect(expired.status == 401)
            }
        }

        @Test func throttlesWithQuotaExceeded() async throws {
            try await withSimulator(SimulatorConfiguration(behaviours: ["fcm": ProviderBehaviour(maxPerSecond: 2)])) { sim in
                let token = try await Self.accessToken(sim)
                var statuses: [Int] = []
                var last: Transport.HTTPResponse?
                for index in 0..<4 {
                    let response = try await Self.push(sim, token: "device-\(index)", accessToken: token)
                    statuses.append(response.status)
                    last = response
                }
                #expect(statuses == [200, 200, 429, 429])
                let throttled = try #require(last)
                #expect(throttled.header("Retry-After") == "1")
                #expect(try Self.fcmErrorCode(throttled) == "QUOTA_EXCEEDED")
                #expect(try sim.counts(provider: "fcm").count == 2)
            }
        }
    }
}
