import Foundation
import Hummingbird

/// Google's OAuth 2.0 token endpoint for service accounts (JWT bearer grant, RFC 7523).
struct FCMTokenRoutes {
    static let grantType = "urn:ietf:params:oauth:grant-type:jwt-bearer"
    static let messagingScope = "https://www.googleapis.com/auth/firebase.messaging"

    let simulator: ProviderSimulator

    func register(on router: Router<BasicRequestContext>) {
        router.post("fcm/token") { request, _ in await grant(request) }
    }

    func grant(_ request: Request) async -> Response {
        let form = FormEncoding.dictionary(await SimResponse.body(of: request) ?? [])
        guard form["grant_type"] == Self.grantType else {
            return Self.error("unsupported_grant_type", "Invalid grant_type: \(form["grant_type"] ?? "")")
        }
        guard let assertion = form["assertion"], let jwt = CompactJWT(assertion) else {
            return Self.error("invalid_grant", "Invalid JWT: malformed assertion.")
        }
        let account = simulator.credentials.fcm
        guard jwt.keyID == nil || jwt.keyID == account.privateKeyId, jwt.isSignedRS256(by: simulator.keys.fcm) else {
            return Self.error("invalid_grant", "Invalid JWT Signature.")
        }
        guard jwt.claims["iss"]?.string == account.clientEmail else {
            return Self.error("invalid_grant", "Invalid email or User ID")
        }
        guard jwt.claims["aud"]?.string == account.tokenURI else {
            return Self.error("invalid_grant", "Invalid JWT: Failed audience check. The right audience is \(account.tokenURI)")
        }
        let scopes = (jwt.claims["scope"]?.string ?? "").split(separator: " ")
        guard scopes.contains(Substring(Self.messagingScope)) else {
            return Self.error("invalid_scope", "Invalid OAuth scope or ID token audience provided.")
        }
        let now = Date().timeIntervalSince1970
        guard let iat = jwt.claims["iat"]?.number, let exp = jwt.claims["exp"]?.number,
              exp > iat, exp - iat <= 3600, iat <= now + 60, exp > now - 60 else {
            return Self.error("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.")
        }
        let lifetime = simulator.configuration.fcmTokenLifetime
        let token = "ya29.sim-" + RandomText.token(bytes: 32)
        let expiry = ContinuousClock.now + lifetime
        simulator.state.withLock { state in
            state.tokenGrants += 1
            state.accessTokens = state.accessTokens.filter { $0.value > .now }
            state.accessTokens[token] = expiry
        }
        return SimResponse.json(200, [
            "access_token": .string(token), "expires_in": .int(Int(lifetime.seconds)), "token_type": "Bearer",
        ], headers: [("Cache-Control", "no-store")])
    }

    static func error(_ code: String, _ description: String) -> Response {
        SimResponse.json(400, ["error": .string(code), "error_description": .string(description)])
    }
}
