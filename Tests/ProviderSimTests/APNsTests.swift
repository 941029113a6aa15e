import Crypto
import Foundation
import ProviderSim
import Testing
import Transport

extension ProviderSimTests {
    @Suite(.timeLimit(.minutes(2)))
    struct APNsTests {
        static func providerToken(_ sim: ProviderSimulator, iat: Int = TestJWT.now, kid: String? = nil, key: P256.Signing.PrivateKey? = nil) throws -> String {
            let apns = sim.credentials.apns
            let signer = try key ?? P256.Signing.PrivateKey(pemRepresentation: apns.privateKeyPEM)
            return try TestJWT.es256(header: ["kid": kid ?? apns.keyId], claims: ["iss": apns.teamId, "iat": iat], key: signer)
        }

        static func push(
            _ sim: ProviderSimulator, device: String = "a1b2c3", jwt: String?, topic: String? = "bh.gov.notifyme",
            apnsId: String? = nil, body: [UInt8]? = nil
        ) async throws -> Transport.HTTPResponse {
            var headers: [(String, String)] = [("apns-push-type", "alert"), ("apns-priority", "10"), ("apns-expiration", "0")]
            if let jwt { headers.append(("authorization", "bearer \(jwt)")) }
            if let topic { headers.append(("apns-topic", topic)) }
            if let apnsId { headers.append(("apns-id", apnsId)) }
            let payload = body ?? Array(#"{"aps":{"alert":{"title":"Fine issued","body":"Pay within 30 days"}},"ref":"ntf_1"}"#.utf8)
            return try await send(sim.apnsURL + "/3/device/\(device)", headers: headers, body: payload, version: .http2PriorKnowledge)
        }

        static func reason(_ response: Transport.HTTPResponse) throws -> String? {
            try object(response)["reason"] as? String
        }

        @Test func acceptsOverHTTP2AndDeduplicatesByApnsId() async throws {
            try await withSimulator { sim in
                let jwt = try Self.providerToken(sim)
                let id = UUID().uuidString
                let first = try await Self.push(sim, jwt: jwt, apnsId: id)
                #expect(first.status == 200)
                #expect(first.httpVersion == "2")
                #expect(first.body.isEmpty)
                #expect(first.header("apns-id") == id)
                let again = try await Self.push(sim, jwt: jwt, apnsId: id)
                #expect(again.status == 200)
                let generated = try await Self.push(sim, jwt: jwt)
                #expect(generated.status == 200)
                #expect(UUID(uuidString: generated.header("apns-id") ?? "") != nil)

                #expect(try sim.counts(provider: "apns") == ["a1b2c3": 2])
                let stored = try #require(try sim.messages(provider: "apns").first)
                #expect(stored.title == "Fine issued" && stored.body == "Pay within 30 days")
                #expect(stored.messageId == id)
                #expect(sim.apnsProviderTokens == 1)
                _ = try await Self.push(sim, jwt: try Self.providerToken(sim, iat: TestJWT.now - 5))
                #expect(sim.apnsProviderTokens == 2)
            }
        }

        @Test func servesConcurrentStreams() async throws {
            try await withSimulator { sim in
                let jwt = try Self.providerToken(sim)
                let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<20 { group.addTask { try await Self.push(sim, device: "device\(index)", jwt: jwt).status } }
                    return try await group.reduce(into: [Int]()) { $0.append($1) }
                }
                #expect(statuses == Array(repeating: 200, count: 20))
                #expect(try sim.counts(provider: "apns").count == 20)
                #expect(sim.apnsProviderTokens == 1)
            }
        }

        @Test func checksTheProviderToken() async throws {
            try await withSimulator { sim in
                #expect(try Self.reason(try await Self.push(sim, jwt: nil)) == "MissingProviderToken")
                let forged = try Self.providerToken(sim, key: P256.Signing.PrivateKey())
                let wrongKid = try Self.providerToken(sim, kid: "ABCDEFGHIJ")
                let old = try Self.providerToken(sim, iat: TestJWT.now - 3700)
                for (jwt, reason) in [(forged, "InvalidProviderToken"), (wrongKid, "InvalidProviderToken"), ("not.a.jwt", "InvalidProviderToken"), (old, "ExpiredProviderToken")] {
                    let response = try await Self.push(sim, jwt: jwt)
                    #expect(response.status == 403)
                    #expect(try Self.reason(response) == reason)
                }
                #expect(sim.apnsProviderTokens == 0)
                #expect(try sim.counts(provider: "apns").isEmpty)
            }
        }

        @Test func refusesBadTopicsDevicesAndPayloads() async throws {
            try await withSimulator { sim in
                let jwt = try Self.providerToken(sim)
                let missingTopic = try await Self.push(sim, jwt: jwt, topic: nil)
                #expect(try missingTopic.status == 400 && (Self.reason(missingTopic)) == "MissingTopic")
                let badTopic = try await Self.push(sim, jwt: jwt, topic: "com.example.other")
                #expect(try badTopic.status == 400 && (Self.reason(badTopic)) == "BadTopic")
                let badDevice = try await Self.push(sim, device: "bad0cafe", jwt: jwt)
                #expect(try badDevice.status == 400 && (Self.reason(badDevice)) == "BadDeviceToken")

                let dead = try await Self.push(sim, device: "dead00", jwt: jwt)
                #expect(dead.status == 410)
                #expect(try Self.reason(dead) == "Unregistered")
                let timestamp = try #require(try object(dead)["timestamp"] as? Int)
                #expect(abs(timestamp - TestJWT.now * 1000) < 60_000)
                try sim.markDead(provider: "apns", recipient: "ffee01")
                #expect(try await Self.push(sim, device: "ffee01", jwt: jwt).status == 410)

                let large = Array(#"{"aps":{"alert":"x"},"pad":""#.utf8) + [UInt8](repeating: 0x61, count: 4100) + Array(#""}"#.utf8)
                let tooLarge = try await Self.push(sim, jwt: jwt, body: large)
                #expect(try tooLarge.status == 413 && (Self.reason(tooLarge)) == "PayloadTooLarge")
                #expect(try sim.counts(provider: "apns").isEmpty)
            }
        }

        @Test func throttlesAndFailsAsConfigured() async throws {
            try await withSimulator(SimulatorConfiguration(behaviours: ["apns": ProviderBehaviour(maxPerSecond: 1)])) { sim in
                let jwt = try Self.providerToken(sim)
                #expect(try await Self.push(sim, jwt: jwt).status == 200)
                let throttled = try await Self.push(sim, jwt: jwt)
                #expect(try throttled.status == 429 && (Self.reason(throttled)) == "TooManyRequests")
                try sim.setBehaviour(ProviderBehaviour(outage: true), for: "apns")
                let down = try await Self.push(sim, jwt: jwt)
                #expect(try down.status == 503 && (Self.reason(down)) == "ServiceUnavailable")
                try sim.setBehaviour(ProviderBehaviour(failureRate: 1), for: "apns")
                let failed = try await Self.push(sim, jwt: jwt)
                #expect(try failed.status == 500 && (Self.reason(failed)) == "InternalServerError")
                #expect(try sim.counts(provider: "apns") == ["a1b2c3": 1])
            }
        }
    }
}
