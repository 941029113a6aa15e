import NotifyConfig
import ProviderSim

extension EmbeddedSimulator {
    /// FCM, APNs (HTTP/2 on its own port) and Web Push through the simulator, with the credentials it wrote.
    static func pushProviders(sim: ProviderSimulator, base: String, directory: String, config: NotifyConfiguration) -> [ProviderSettings] {
        let apns = sim.credentials.apns
        return [
            ProviderSettings(name: "sim-fcm", kind: .fcm, options: ["url": "\(base)/fcm", "serviceAccountFile": "\(directory)/fcm-service-account.json"]),
            ProviderSettings(name: "sim-apns", kind: .apns, options: [
                "url": "http://127.0.0.1:\(config.providers.simulator.http2Port)", "keyFile": "\(directory)/apns-key.p8",
                "keyId": apns.keyId, "teamId": apns.teamId, "topic": apns.topic,
            ]),
            ProviderSettings(name: "sim-webpush", kind: .webpush, options: [
                "vapidKeyFile": "\(directory)/vapid-key.pem", "createKeyIfMissing": "true", "subject": "mailto:ops@notifyme.local",
                "allowedHosts": "127.0.0.1", "allowHTTP": "true",
            ]),
        ]
    }
}
