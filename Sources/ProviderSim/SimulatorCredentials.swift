/// Every secret the simulated providers check, as a client of each would hold it.
public struct SimulatorCredentials: Sendable, Equatable {
    /// Generic SMS gateway API key and webhook secret.
    public var gateway: GatewayCredentials
    /// Twilio account SID and auth token.
    public var twilio: TwilioCredentials
    /// FCM service account (``FCMServiceAccount/json`` is the file's contents).
    public var fcm: FCMServiceAccount
    /// APNs signing key, ids and topic.
    public var apns: APNsCredentials

    /// Creates credentials from their parts.
    public init(gateway: GatewayCredentials, twilio: TwilioCredentials, fcm: FCMServiceAccount, apns: APNsCredentials) {
        self.gateway = gateway
        self.twilio = twilio
        self.fcm = fcm
        self.apns = apns
    }

    /// The FCM service-account JSON (shortcut for `fcm.json`).
    public var fcmServiceAccountJSON: String { fcm.json }
}
