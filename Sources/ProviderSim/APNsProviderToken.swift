import Foundation

/// The verdict on an APNs `authorization: bearer <JWT>` header, named after APNs' reasons.
enum APNsProviderToken: Equatable {
    case valid(String)
    case missing
    case invalid
    case expired

    /// Checks kid, iss and the ES256 signature (once per distinct token), then the age of `iat`.
    static func check(_ header: String?, simulator: ProviderSimulator) -> APNsProviderToken {
        guard let header, header.lowercased().hasPrefix("bearer ") else { return .missing }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        guard let jwt = CompactJWT(token), let iat = jwt.claims["iat"]?.number else { return .invalid }
        let known = simulator.state.withLock { $0.providerTokens.contains(token) }
        if !known {
            let apns = simulator.baseCredentials.apns
            guard jwt.keyID == apns.keyId, jwt.claims["iss"]?.string == apns.teamId,
                  jwt.isSignedES256(by: simulator.keys.apns) else { return .invalid }
        }
        let now = Date().timeIntervalSince1970
        if iat < now - 3600 { return .expired }
        if iat > now + 300 { return .invalid }
        if !known { simulator.state.withLock { _ = $0.providerTokens.insert(token) } }
        return .valid(token)
    }
}
