import Foundation
import JWTKit
import NotifyConfig

/// The keys resident and staff tokens are checked against.
enum IdentityKeys {
    /// The identity provider's configured public keys, plus the development key when the configuration trusts it.
    static func load(_ config: NotifyConfiguration) async throws -> JWTKeyCollection {
        let keys = JWTKeyCollection()
        for path in config.identity.publicKeys {
            let pem: String
            do { pem = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw ConfigError.invalid("identity.publicKeys", "names \(path), which cannot be read")
            }
            let kid = JWKIdentifier(string: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent)
            if let ec = try? ES256PublicKey(pem: pem) {
                await keys.add(ecdsa: ec, kid: kid)
            } else if let rsa = try? Insecure.RSA.PublicKey(pem: pem) {
                await keys.add(rsa: rsa, digestAlgorithm: .sha256, kid: kid)
            } else {
                throw ConfigError.invalid("identity.publicKeys", "names \(path), which is not an RSA or P-256 public key in PEM form")
            }
        }
        if config.identity.development {
            let dev = try DevIdentityKey.loadOrCreate(path: config.devKeyPath)
            await keys.add(ecdsa: dev.publicKey, kid: JWKIdentifier(string: DevIdentityKey.kid))
        }
        return keys
    }
}
