import Foundation
import JWTKit
import NotifyCore

/// Verifies identity-provider tokens: signature against the trusted keys, then issuer,
/// audience, expiry and not-before with a bounded clock skew.
public struct IdentityVerifier: Sendable {
    let keys: JWTKeyCollection
    let issuer: String
    let audience: String
    let skew: TimeInterval

    public init(keys: JWTKeyCollection, issuer: String, audience: String, clockSkew: Duration) {
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.skew = TimeInterval(clockSkew.components.seconds)
    }

    /// The verified claims, or 401.
    public func verify(_ token: String, now: Date = Date()) async throws -> IdentityClaims {
        guard token.utf8.count <= 8192 else { throw NotifyError.unauthorized("the token is too long") }
        let claims: IdentityClaims
        do { claims = try await keys.verify(token, as: IdentityClaims.self, iteratingKeys: true) } catch {
            throw NotifyError.unauthorized("the token is not valid or not signed by a trusted key")
        }
        guard claims.iss.value == issuer else { throw NotifyError.unauthorized("the token was issued by another issuer") }
        guard claims.aud.value.contains(audience) else { throw NotifyError.unauthorized("the token is meant for another audience") }
        guard claims.exp.value.addingTimeInterval(skew) > now else { throw NotifyError.unauthorized("the token has expired") }
        if let nbf = claims.nbf, nbf.value.addingTimeInterval(-skew) > now {
            throw NotifyError.unauthorized("the token is not valid yet")
        }
        return claims
    }

    /// A resident's CPR from a verified token.
    public func resident(_ token: String) async throws -> CPR {
        let claims = try await verify(token)
        guard claims.roles == nil else { throw NotifyError.unauthorized("a staff token cannot act as a resident") }
        do { return try CPR(claims.sub.value) } catch {
            throw NotifyError.unauthorized("the token's subject is not a CPR number")
        }
    }

    /// A staff member from a verified token with an `operator` or `auditor` role; residents' tokens get 403.
    public func staff(_ token: String) async throws -> StaffMember {
        let claims = try await verify(token)
        let roles = Set(claims.roles ?? []).intersection(StaffMember.knownRoles)
        guard !roles.isEmpty else { throw NotifyError.forbidden("this needs a staff token with the operator or auditor role") }
        let id = claims.sub.value
        guard !id.isEmpty, id.count <= 128 else { throw NotifyError.unauthorized("the token's subject is not a staff id") }
        return StaffMember(id: id, roles: roles)
    }
}
