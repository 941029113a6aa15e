import Crypto
import _CryptoExtras

extension SimulatorCredentials {
    /// The APNs topic the simulator accepts.
    public static let apnsTopic = "bh.gov.notifyme"
    /// The Firebase project of the generated service account.
    public static let fcmProjectId = "notifyme-sim"

    /// Fresh random credentials; `tokenURI` goes into the service account.
    public static func generate(tokenURI: String) throws -> SimulatorCredentials {
        let rsa = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let fcm = FCMServiceAccount(
            projectId: fcmProjectId,
            privateKeyId: RandomText.hex(40),
            privateKeyPEM: rsa.pkcs8PEMRepresentation,
            clientEmail: "firebase-adminsdk-sim@\(fcmProjectId).iam.gserviceaccount.com",
            clientId: String(UInt64.random(in: 100_000_000_000_000_000...999_999_999_999_999_999)),
            tokenURI: tokenURI
        )
        let apns = APNsCredentials(
            teamId: RandomText.upperAlphanumeric(10),
            keyId: RandomText.upperAlphanumeric(10),
            privateKeyPEM: P256.Signing.PrivateKey().pemRepresentation,
            topic: apnsTopic
        )
        return SimulatorCredentials(
            gateway: GatewayCredentials(apiKey: "sim_" + RandomText.token(bytes: 24), webhookSecret: "whsec_" + RandomText.token(bytes: 32)),
            twilio: TwilioCredentials(accountSid: "AC" + RandomText.hex(32), authToken: RandomText.hex(32)),
            fcm: fcm,
            apns: apns
        )
    }

    /// The public keys the simulator verifies client signatures with; throws if a PEM is unusable.
    func verificationKeys() throws -> VerificationKeys {
        do {
            let rsa = try _RSA.Signing.PrivateKey(pemRepresentation: fcm.privateKeyPEM)
            let ec = try P256.Signing.PrivateKey(pemRepresentation: apns.privateKeyPEM)
            return VerificationKeys(fcm: rsa.publicKey, apns: ec.publicKey)
        } catch {
            throw SimulatorError("credential keys are not usable PEM: \(error)")
        }
    }
}

/// Public halves of the simulator's credential keys.
struct VerificationKeys: Sendable {
    let fcm: _RSA.Signing.PublicKey
    let apns: P256.Signing.PublicKey
}
