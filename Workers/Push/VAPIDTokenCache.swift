import Foundation
import JWTKit

/// The VAPID `Authorization` header for each push service origin, signed once and reused for half
/// its lifetime, so that a burst of messages to one push service signs one JWT.
actor VAPIDTokenCache {
    private let key: VAPIDKey
    private let subject: String
    private let lifetime: TimeInterval
    private var headers: [String: (value: String, reuseUntil: Date)] = [:]

    init(key: VAPIDKey, subject: String, lifetime: Duration) {
        self.key = key
        self.subject = subject
        self.lifetime = TimeInterval(lifetime.components.seconds)
    }

    /// `vapid t=<jwt>, k=<public key>` for `origin` at `now`.
    func authorization(origin: String, now: Date) async throws -> String {
        if let cached = headers[origin], now < cached.reuseUntil { return cached.value }
        let claims = VAPIDClaims(aud: origin, exp: Int(now.timeIntervalSince1970 + lifetime), sub: subject)
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: key.signingKey)
        let jwt = try await keys.sign(claims)
        let value = "vapid t=\(jwt), k=\(key.publicKeyBase64URL)"
        // Endpoints under a wildcard host can name many origins: keep the cache bounded.
        if headers.count >= 256 { headers = headers.filter { now < $0.value.reuseUntil } }
        if headers.count >= 256 { headers.removeAll() }
        headers[origin] = (value, now.addingTimeInterval(lifetime / 2))
        return value
    }
}
