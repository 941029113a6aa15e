import NotifyConfig

extension ProviderFactory {
    func pushAdapter(_ s: ProviderSettings) throws -> any ProviderAdapter {
        switch s.kind {
        case .fcm:
            return try FCMAdapter(configuration: FCMConfiguration(
                name: s.name, baseURL: s["url"].isEmpty ? "https://fcm.googleapis.com" : s["url"],
                serviceAccountFile: s["serviceAccountFile"], timeout: s.timeout), transport: transport)
        case .apns:
            return try APNsAdapter(configuration: APNsConfiguration(
                name: s.name, baseURL: s["url"].isEmpty ? "https://api.push.apple.com" : s["url"], keyFile: s["keyFile"],
                keyId: s["keyId"], teamId: s["teamId"], topic: s["topic"], timeout: s.timeout), transport: transport)
        case .webpush:
            let hosts = s["allowedHosts"].split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            return try WebPushAdapter(configuration: WebPushConfiguration(
                name: s.name, vapidKeyFile: s["vapidKeyFile"], createKeyIfMissing: s["createKeyIfMissing"] == "true", subject: s["subject"],
                additionalAllowedHosts: hosts, allowHTTP: s["allowHTTP"] == "true", timeout: s.timeout), transport: transport)
        default:
            throw Failure(description: "providers.push \(s.name): \(s.kind.rawValue) is not a push provider")
        }
    }
}
