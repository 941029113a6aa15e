import Foundation
import Transport

extension FCMAdapter {
    /// Google's error body: `{"error":{"code","message","status","details":[{"@type","errorCode"}]}}`.
    private struct GoogleError: Decodable {
        struct Body: Decodable {
            var status: String?
            var details: [Detail]?
        }
        struct Detail: Decodable { var errorCode: String? }
        var error: Body?
    }

    /// Classifies a non-2xx answer of `messages:send` by FCM's `errorCode` (in `details`), else its
    /// `status`, else the HTTP status. The detail names the code, never Google's message text.
    static func classify(_ response: HTTPResponse, provider: String) -> ProviderError {
        let parsed = (try? JSONDecoder().decode(GoogleError.self, from: Data(response.body)))?.error
        let codes = ((parsed?.details ?? []).compactMap(\.errorCode) + [parsed?.status].compactMap { $0 })
            .map(PushErrorReason.sanitized).filter { !$0.isEmpty }
        for code in codes {
            if let error = classify(code: code, response: response, provider: provider) { return error }
        }
        return ProviderError.fromStatus(response, provider: provider, reason: codes.first)
    }

    private static func classify(code: String, response: HTTPResponse, provider: String) -> ProviderError? {
        let what = "\(provider): HTTP \(response.status) \(code)"
        switch code {
        case "UNREGISTERED", "SENDER_ID_MISMATCH":
            // The token is gone, or belongs to another Firebase project: it will never work for us.
            return .deadRecipient(what)
        case "INVALID_ARGUMENT":
            return .permanent(what)
        case "QUOTA_EXCEEDED", "RESOURCE_EXHAUSTED", "UNAVAILABLE", "INTERNAL":
            return .transient(what, retryAfter: ProviderError.retryAfter(response))
        case "THIRD_PARTY_AUTH_ERROR":
            // The project's APNs or Web Push credentials at Firebase are wrong: retrying this message will not help,
            // but it says something about the provider's setup.
            return ProviderError(.permanent, what, countsAgainstProvider: true)
        case "UNAUTHENTICATED", "PERMISSION_DENIED":
            return ProviderError(.transient, "\(what) (credentials refused)", retryAfter: ProviderError.retryAfter(response),
                                 countsAgainstProvider: true)
        default:
            return nil
        }
    }
}
