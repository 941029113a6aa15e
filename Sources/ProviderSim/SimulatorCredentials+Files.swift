import Foundation

extension SimulatorCredentials {
    static let serviceAccountFile = "fcm-service-account.json"
    static let apnsKeyFile = "apns-key.p8"
    static let otherSecretsFile = "simulator.json"

    /// What `simulator.json` holds: everything but the two key files.
    private struct OtherSecrets: Codable {
        struct APNsIds: Codable { var teamId: String; var keyId: String; var topic: String }
        var gateway: GatewayCredentials
        var twilio: TwilioCredentials
        var apns: APNsIds
    }

    /// Loads the three files from `directory` when all exist, otherwise generates credentials and
    /// writes them there. `tokenURI` replaces the loaded one (the port may have changed).
    static func loadOrCreate(directory: String, tokenURI: String) throws -> SimulatorCredentials {
        let folder = URL(fileURLWithPath: directory, isDirectory: true)
        let files = [serviceAccountFile, apnsKeyFile, otherSecretsFile].map { folder.appendingPathComponent($0) }
        guard files.allSatisfy({ FileManager.default.fileExists(atPath: $0.path) }) else {
            let fresh = try generate(tokenURI: tokenURI)
            try fresh.write(to: directory)
            return fresh
        }
        do {
            var fcm = try FCMServiceAccount(json: String(contentsOf: files[0], encoding: .utf8))
            let moved = fcm.tokenURI != tokenURI
            fcm.tokenURI = tokenURI
            let pem = try String(contentsOf: files[1], encoding: .utf8)
            let other = try JSONDecoder().decode(OtherSecrets.self, from: Data(contentsOf: files[2]))
            let apns = APNsCredentials(teamId: other.apns.teamId, keyId: other.apns.keyId, privateKeyPEM: pem, topic: other.apns.topic)
            let credentials = SimulatorCredentials(gateway: other.gateway, twilio: other.twilio, fcm: fcm, apns: apns)
            // At once, not only when the listener binds: a client reading the file before that (`notifyme run` builds its
            // providers first) would otherwise ask a previous run's port for its tokens.
            if moved { try credentials.writeServiceAccount(to: directory) }
            return credentials
        } catch let error as SimulatorError {
            throw error
        } catch {
            throw SimulatorError("cannot read credentials in \(directory): \(error)")
        }
    }

    /// Writes the three files into `directory` (created if missing), owner-readable only.
    func write(to directory: String) throws {
        let folder = URL(fileURLWithPath: directory, isDirectory: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let other = OtherSecrets(
            gateway: gateway, twilio: twilio,
            apns: .init(teamId: apns.teamId, keyId: apns.keyId, topic: apns.topic)
        )
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try writeServiceAccount(to: directory)
            try Self.writeSecret(Data(apns.privateKeyPEM.utf8), to: folder.appendingPathComponent(Self.apnsKeyFile))
            try Self.writeSecret(encoder.encode(other), to: folder.appendingPathComponent(Self.otherSecretsFile))
        } catch {
            throw SimulatorError("cannot write credentials to \(directory): \(error)")
        }
    }

    /// Rewrites only the service account (its `token_uri` follows the bound port).
    func writeServiceAccount(to directory: String) throws {
        let url = URL(fileURLWithPath: directory, isDirectory: true).appendingPathComponent(Self.serviceAccountFile)
        try Self.writeSecret(Data(fcm.json.utf8), to: url)
    }

    private static func writeSecret(_ data: Data, to url: URL) throws {
        try data.write(to: url, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
    }
}
