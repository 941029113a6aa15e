import JWTKit

/// The claims of an APNs provider token.
struct APNsTokenClaims: JWTPayload, Equatable {
    var iss: String
    var iat: Int

    /// We only sign these; APNs checks them.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
