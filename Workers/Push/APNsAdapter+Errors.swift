import Foundation
import Transport

extension APNsAdapter {
    /// 403 reasons that mean our provider token must be replaced.
    static let providerTokenReasons: Set<String> = ["ExpiredProviderToken", "InvalidProviderToken", "MissingProviderToken"]

    /// The `reason` of an APNs error body (`{"reason":"BadDeviceToken"}`), reduced to a safe code.
    static func reason(_ response: HTTPResponse) -> String? {
        struct Body: Decodable { var reason: String? }
        guard let raw = (try? JSONDecoder().decode(Body.self, from: Data(response.body)))?.reason else { return nil }
        let code = PushErrorReason.sanitized(raw)
        return code.isEmpty ? nil : code
    }

    /// Classifies a non-200 APNs answer by status and `reason`.
    static func classify(_ response: HTTPResponse, reason: String?, provider: String) -> ProviderError {
        let what = "\(provider): HTTP \(response.status)" + (reason.map { " \($0)" } ?? "")
        switch (response.status, reason) {
        case (410, _), (400, "BadDeviceToken"?), (400, "DeviceTokenNotForTopic"?):
            // The app was removed or the token belongs to another app or environment: drop the device.
            return .deadRecipient(what)
        case (403, let reason?) where providerTokenReasons.contains(reason):
            // The token is replaced before the next attempt; nothing about the recipient.
            return ProviderError(.transient, "\(what) (provider token replaced)", retryAfter: ProviderError.retryAfter(response),
                                 countsAgainstProvider: true)
        default:
            // 400/413 and other 4xx permanent; 429 (TooManyRequests, TooManyProviderTokenUpdates), 500, 503 transient
            // with Retry-After; other 403s (wrong key, team or environment) transient against the provider.
            return ProviderError.fromStatus(response, provider: provider, reason: reason)
        }
    }
}
