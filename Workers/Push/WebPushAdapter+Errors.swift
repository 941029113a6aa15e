import Transport

extension WebPushAdapter {
    /// Classifies a non-2xx push service answer: 404/410 the subscription is gone; 429 and 5xx transient with
    /// Retry-After; 401/403 our VAPID credentials refused; other 4xx (413 too large among them) permanent.
    static func classify(_ response: HTTPResponse, provider: String) -> ProviderError {
        let what = "\(provider): HTTP \(response.status)"
        switch response.status {
        case 404, 410:
            return .deadRecipient("\(what) (subscription expired or unsubscribed)")
        case 401, 403:
            // Retrying will not help this message, but every message fails the same way until our key or
            // subject is fixed: that is the provider's health.
            return ProviderError(.permanent, "\(what) (VAPID credentials refused)", countsAgainstProvider: true)
        case 413:
            return .permanent("\(what) (payload too large)")
        default:
            return ProviderError.fromStatus(response, provider: provider)
        }
    }
}
