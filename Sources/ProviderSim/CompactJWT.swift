import Crypto
import _CryptoExtras

/// A JWS in compact serialization, split and decoded but not yet trusted.
struct CompactJWT {
    /// The protected header (`alg`, `kid`, `typ`).
    let header: JSON
    /// The claims.
    let claims: JSON
    /// `base64url(header) "." base64url(claims)`: the bytes the signature covers.
    let signingInput: [UInt8]
    let signature: [UInt8]

    /// Nil when `token` is not three base64url parts holding two JSON objects.
    init?(_ token: some StringProtocol) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
              let headerBytes = Base64URL.decode(parts[0]), let header = JSON.parse(headerBytes), header.object != nil,
              let claimBytes = Base64URL.decode(parts[1]), let claims = JSON.parse(claimBytes), claims.object != nil,
              let signature = Base64URL.decode(parts[2])
        else { return nil }
        self.header = header
        self.claims = claims
        self.signingInput = Array(parts[0].utf8) + [UInt8(ascii: ".")] + Array(parts[1].utf8)
        self.signature = signature
    }

    var algorithm: String? { header["alg"]?.string }
    var keyID: String? { header["kid"]?.string }

    /// ES256: ECDSA P-256 with SHA-256, signature as raw r || s (RFC 7518 §3.4).
    func isSignedES256(by key: P256.Signing.PublicKey) -> Bool {
        guard algorithm == "ES256", signature.count == 64,
              let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
        return key.isValidSignature(ecdsa, for: SHA256.hash(data: signingInput))
    }

    /// RS256: RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3).
    func isSignedRS256(by key: _RSA.Signing.PublicKey) -> Bool {
        guard algorithm == "RS256" else { return false }
        let rsa = _RSA.Signing.RSASignature(rawRepresentation: signature)
        return key.isValidSignature(rsa, for: SHA256.hash(data: signingInput), padding: .insecurePKCS1v1_5)
    }
}
