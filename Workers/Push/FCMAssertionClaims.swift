import JWTKit

/// The claims of the JWT a service account trades for an access token (Google's OAuth 2.0 JWT bearer flow).
struct FCMAssertionClaims: JWTPayload, Equatable {
    var iss: String
    var scope: String
    var aud: String
    var iat: Int
    var exp: Int

    /// We only sign these; Google checks them.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
