import JWTKit

/// The claims of a VAPID JWT (RFC 8292 section 2).
struct VAPIDClaims: JWTPayload, Equatable {
    /// The push service's origin.
    var aud: String
    var exp: Int
    /// How the push service can reach us: a `mailto:` or `https:` URI.
    var sub: String

    /// We only sign these; the push service checks them.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
