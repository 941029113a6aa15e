import Crypto
import Foundation

/// Verifies `Authorization: vapid t=<JWT>, k=<public key>` (RFC 8292) for one push endpoint.
enum VAPIDCheck {
    /// Why a VAPID header was refused; `forbidden` means a valid token from the wrong key.
    enum Failure: Error {
        case unauthorized(String)
        case forbidden(String)
    }

    /// Returns normally when the header is valid for `origin` (and `expectedKey`, if set).
    static func verify(_ header: String?, origin: String, expectedKey: [UInt8]?) throws(Failure) {
        guard let header, header.lowercased().hasPrefix("vapid ") else { throw .unauthorized("missing vapid authorization") }
        var parameters: [String: String] = [:]
        for part in header.dropFirst(6).split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            parameters[pair[0].trimmingCharacters(in: .whitespaces).lowercased()] = pair[1].trimmingCharacters(in: .whitespaces)
        }
        guard let token = parameters["t"], let jwt = CompactJWT(token) else { throw .unauthorized("missing or malformed t") }
        guard let keyText = parameters["k"], let keyBytes = Base64URL.decode(keyText), keyBytes.count == 65,
              let key = try? P256.Signing.PublicKey(x963Representation: keyBytes) else {
            throw .unauthorized("missing or malformed k")
        }
        guard jwt.isSignedES256(by: key) else { throw .unauthorized("signature does not verify with k") }
        guard jwt.claims["aud"]?.string == origin else { throw .unauthorized("aud must be \(origin)") }
        let now = Date().timeIntervalSince1970
        guard let exp = jwt.claims["exp"]?.number, exp > now else { throw .unauthorized("exp missing or in the past") }
        guard exp <= now + 86_400 + 60 else { throw .unauthorized("exp more than 24 hours ahead") }
        guard let sub = jwt.claims["sub"]?.string, sub.hasPrefix("mailto:") || sub.hasPrefix("https:") else {
            throw .unauthorized("sub must be a mailto: or https: URI")
        }
        if let expectedKey, expectedKey != keyBytes { throw .forbidden("k is not the subscription's application server key") }
    }
}
