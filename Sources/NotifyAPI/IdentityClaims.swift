import JWTKit

/// The claims NotifyMe reads from an identity-provider token.
public struct IdentityClaims: JWTPayload, Equatable {
    public var sub: SubjectClaim
    public var iss: IssuerClaim
    public var aud: AudienceClaim
    public var exp: ExpirationClaim
    public var nbf: NotBeforeClaim?
    public var iat: IssuedAtClaim?
    /// Staff roles (`operator`, `auditor`); absent on resident tokens.
    public var roles: [String]?

    public init(sub: String, iss: String, aud: String, exp: Date, nbf: Date? = nil, iat: Date? = nil, roles: [String]? = nil) {
        self.sub = SubjectClaim(value: sub)
        self.iss = IssuerClaim(value: iss)
        self.aud = AudienceClaim(value: [aud])
        self.exp = ExpirationClaim(value: exp)
        self.nbf = nbf.map { NotBeforeClaim(value: $0) }
        self.iat = iat.map { IssuedAtClaim(value: $0) }
        self.roles = roles
    }

    /// Time claims are checked by `IdentityVerifier`, with the configured clock skew.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}

import struct Foundation.Date
