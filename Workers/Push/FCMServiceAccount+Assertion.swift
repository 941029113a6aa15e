import Foundation
import JWTKit

extension FCMServiceAccount {
    /// The OAuth scope that allows sending through FCM.
    static let messagingScope = "https://www.googleapis.com/auth/firebase.messaging"

    /// The signed RS256 assertion for a token request made at `now`, valid for one hour (Google's maximum).
    func assertion(now: Date) async throws -> String {
        let iat = Int(now.timeIntervalSince1970)
        let claims = FCMAssertionClaims(iss: clientEmail, scope: Self.messagingScope, aud: tokenURI, iat: iat, exp: iat + 3600)
        let kid = privateKeyId.map { JWKIdentifier(string: $0) }
        let keys = JWTKeyCollection()
        await keys.add(rsa: privateKey, digestAlgorithm: .sha256, kid: kid)
        return try await keys.sign(claims, kid: kid)
    }
}
