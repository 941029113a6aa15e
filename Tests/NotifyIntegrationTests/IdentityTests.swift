import Foundation
import JWTKit
import NotifyAPI
import NotifyConfig
import NotifyTestSupport
import Redis
import Testing

/// Identity-provider tokens: RS256 and ES256 keys from configuration, claims checked with bounded skew.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct IdentityTests {
    struct Setup {
        let verifier: IdentityVerifier
        let rsa: JWTKeyCollection
        let ec: JWTKeyCollection
        let dev: JWTKeyCollection
        let dataDir: String
    }

    func setup(development: Bool = false) async throws -> Setup {
        let dir = try Loopback.temporaryDirectory("nm-idp")
        let rsaKey = dir.appendingPathComponent("idp-rsa.key").path
        let rsaPub = dir.appendingPathComponent("idp-rsa.pem").path
        try await OffPool.run {
            for args in [["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", rsaKey],
                         ["pkey", "-in", rsaKey, "-pubout", "-out", rsaPub]] {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
                p.arguments = args
                p.standardError = FileHandle.nullDevice
                try p.run()
                p.waitUntilExit()
                guard p.terminationStatus == 0 else { throw TestSupportError("openssl \(args[0]) failed") }
            }
        }
        let ecKey = ES256PrivateKey()
        let ecPub = dir.appendingPathComponent("idp-ec.pem").path
        try ecKey.publicKey.pemRepresentation.write(toFile: ecPub, atomically: true, encoding: .utf8)

        let config = try NotifyConfiguration.parse(yaml: """
            catalogue: \(TestEnvironment.root)/Config/events.yaml
            templates: \(TestEnvironment.root)/Templates
            identity:
              development: \(development)
              clockSkew: 60s
              publicKeys: [\(rsaPub), \(ecPub)]
            """, environment: ["NOTIFYME_DATA_DIR": dir.path])
        let redis = RedisClient(configuration: try RedisConfiguration(url: "redis://127.0.0.1:1"))
        defer { redis.close() }
        let deps = try await APIDependencies.make(config: config, redis: redis)

        let rsa = JWTKeyCollection()
        await rsa.add(rsa: try Insecure.RSA.PrivateKey(pem: try String(contentsOfFile: rsaKey, encoding: .utf8)), digestAlgorithm: .sha256,
                      kid: JWKIdentifier(string: "idp-rsa"))
        let ec = JWTKeyCollection()
        await ec.add(ecdsa: ecKey, kid: JWKIdentifier(string: "idp-ec"))
        let dev = JWTKeyCollection()
        await dev.add(ecdsa: try DevIdentityKey.loadOrCreate(path: "\(dir.path)/other-dev.pem"), kid: JWKIdentifier(string: DevIdentityKey.kid))
        return Setup(verifier: deps.verifier, rsa: rsa, ec: ec, dev: dev, dataDir: dir.path)
    }

    func token(_ keys: JWTKeyCollection, exp: TimeInterval = 3600, nbf: TimeInterval = -10, sub: String = "880101234",
               aud: String = "notifyme") async throws -> String {
        let now = Date()
        return try await keys.sign(IdentityClaims(sub: sub, iss: "https://identity.notifyme.local", aud: aud,
                                                  exp: now.addingTimeInterval(exp), nbf: now.addingTimeInterval(nbf), iat: now))
    }

    @Test func rs256AndES256FromConfigurationAreAccepted() async throws {
        let s = try await setup()
        #expect(try await s.verifier.resident(try await token(s.rsa)).value == "880101234")
        #expect(try await s.verifier.resident(try await token(s.ec)).value == "880101234")
    }

    @Test func untrustedKeysAndBadClaimsAreRefused() async throws {
        let s = try await setup()
        // Development mode is off: a key that merely looks like the development one is not trusted.
        await #expect(throws: (any Error).self) { try await s.verifier.resident(try await token(s.dev)) }
        await #expect(throws: (any Error).self) { try await s.verifier.resident(try await token(s.rsa, aud: "other")) }
        await #expect(throws: (any Error).self) { try await s.verifier.resident(try await token(s.ec, sub: "12")) }
    }

    @Test func clockSkewIsBounded() async throws {
        let s = try await setup()
        #expect(try await s.verifier.resident(try await token(s.ec, exp: -30)).value == "880101234")
        await #expect(throws: (any Error).self) { try await s.verifier.resident(try await token(s.ec, exp: -120)) }
        #expect(try await s.verifier.resident(try await token(s.ec, nbf: 30)).value == "880101234")
        await #expect(throws: (any Error).self) { try await s.verifier.resident(try await token(s.ec, nbf: 120)) }
    }

    @Test func unreadableKeyFileStopsStartupNamingTheKey() async throws {
        let config = try NotifyConfiguration.parse(yaml: """
            catalogue: \(TestEnvironment.root)/Config/events.yaml
            templates: \(TestEnvironment.root)/Templates
            identity: {publicKeys: [/nonexistent/idp.pem]}
            """, environment: ["NOTIFYME_DATA_DIR": try Loopback.temporaryDirectory("nm-idp2").path])
        let redis = RedisClient(configuration: try RedisConfiguration(url: "redis://127.0.0.1:1"))
        defer { redis.close() }
        await #expect { try await APIDependencies.make(config: config, redis: redis) } throws: { error in
            (error as? ConfigError)?.key == "identity.publicKeys"
        }
    }
}
