import Crypto
import Foundation
import _CryptoExtras

/// Signs JWTs the way provider clients do, independently of the simulator's verifier.
enum TestJWT {
    static func base64URL(_ data: some DataProtocol) -> String {
        Data(data).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func base64URLDecode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }

    static func signingInput(header: [String: Any], claims: [String: Any]) throws -> String {
        let encodedHeader = base64URL(try JSONSerialization.data(withJSONObject: header, options: .sortedKeys))
        let encodedClaims = base64URL(try JSONSerialization.data(withJSONObject: claims, options: .sortedKeys))
        return encodedHeader + "." + encodedClaims
    }

    static func es256(header: [String: Any] = [:], claims: [String: Any], key: P256.Signing.PrivateKey) throws -> String {
        let input = try signingInput(header: ["alg": "ES256", "typ": "JWT"].merging(header) { $1 }, claims: claims)
        let signature = try key.signature(for: Data(input.utf8))
        return input + "." + base64URL(signature.rawRepresentation)
    }

    static func rs256(header: [String: Any] = [:], claims: [String: Any], key: _RSA.Signing.PrivateKey) throws -> String {
        let input = try signingInput(header: ["alg": "RS256", "typ": "JWT"].merging(header) { $1 }, claims: claims)
        let signature = try key.signature(for: Data(input.utf8), padding: .insecurePKCS1v1_5)
        return input + "." + base64URL(signature.rawRepresentation)
    }

    static var now: Int { Int(Date().timeIntervalSince1970) }
}
