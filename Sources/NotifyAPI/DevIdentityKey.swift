import Foundation
import JWTKit

/// The local development signing key (ES256) that stands in for the identity provider.
/// Created on first use; only a configuration with `identity.development: true` trusts it.
public enum DevIdentityKey {
    public static let kid = "notifyme-dev"

    /// Loads the key at `path`, creating it (mode 0600) if missing.
    public static func loadOrCreate(path: String) throws -> ES256PrivateKey {
        if let pem = try? String(contentsOfFile: path, encoding: .utf8) {
            return try ES256PrivateKey(pem: pem)
        }
        let key = ES256PrivateKey()
        let dir = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // O_EXCL: when two processes start together, the second reads the first one's key.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { return try ES256PrivateKey(pem: try String(contentsOfFile: path, encoding: .utf8)) }
        defer { close(fd) }
        let pem = Array(key.pemRepresentation.utf8)
        guard write(fd, pem, pem.count) == pem.count else { throw CocoaError(.fileWriteUnknown) }
        return key
    }

    /// Signs a token for `subject` the way the identity provider would.
    public static func sign(subject: String, roles: [String]? = nil, key: ES256PrivateKey, issuer: String, audience: String,
                            lifetime: TimeInterval = 12 * 3600, now: Date = Date()) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: key, kid: JWKIdentifier(string: kid))
        let claims = IdentityClaims(sub: subject, iss: issuer, aud: audience, exp: now.addingTimeInterval(lifetime), nbf: now, iat: now, roles: roles)
        return try await keys.sign(claims, kid: JWKIdentifier(string: kid))
    }
}
