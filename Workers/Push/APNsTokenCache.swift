import Foundation
import JWTKit

/// The ES256 provider token APNs requests carry. Apple wants it refreshed at least hourly but not more
/// often than every 20 minutes, so one token is reused for the configured age; only after APNs refused
/// it (403 ExpiredProviderToken / InvalidProviderToken) is it replaced early, once per refused token.
actor APNsTokenCache {
    static let minimumAge: Duration = .seconds(20 * 60)
    static let maximumAge: Duration = .seconds(60 * 60)

    private let key: ES256PrivateKey
    private let keyId: String
    private let teamId: String
    private let refreshAge: TimeInterval
    private var current: (token: String, issuedAt: Date)?
    private var signing: Task<String, any Error>?
    /// How many tokens were signed (for tests and logs).
    private(set) var signCount = 0

    init(key: ES256PrivateKey, keyId: String, teamId: String, refreshAge: Duration) {
        self.key = key
        self.keyId = keyId
        self.teamId = teamId
        self.refreshAge = TimeInterval(refreshAge.components.seconds)
    }

    /// The token to use at `now`: the current one until it is `refreshAge` old, then a new one issued at `now`.
    func token(now: Date) async throws -> String {
        // A clock that went backwards keeps the token; APNs says so (403) if it no longer accepts it.
        if let current, now.timeIntervalSince(current.issuedAt) < refreshAge { return current.token }
        if let signing { return try await signing.value }
        let claims = APNsTokenClaims(iss: teamId, iat: Int(now.timeIntervalSince1970))
        let (key, kid) = (key, JWKIdentifier(string: keyId))
        let task = Task {
            let keys = JWTKeyCollection()
            await keys.add(ecdsa: key, kid: kid)
            return try await keys.sign(claims, kid: kid)
        }
        signing = task
        defer { signing = nil }
        let token = try await task.value
        current = (token, now)
        signCount += 1
        return token
    }

    /// APNs refused `token` as expired or invalid: the next send signs a new one even before the
    /// configured age, unless a newer token already replaced it.
    func invalidate(_ token: String) {
        if current?.token == token { current = nil }
    }
}
