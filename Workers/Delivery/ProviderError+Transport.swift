import Foundation
import Transport

extension ProviderError {
    /// Classifies an error thrown by the transport before any provider answer was read.
    /// Network trouble is transient; a request we built wrongly is permanent.
    public static func from(_ error: any Error, provider: String) -> ProviderError {
        if let e = error as? ProviderError { return e }
        guard let t = error as? TransportError else { return .transient("\(provider): \(type(of: error))") }
        if t.isHTTPStatus, let response = t.response { return fromStatus(response, provider: provider) }
        if t.isInvalidRequest { return .permanent("\(provider): request refused by the transport: \(t.message)") }
        if t.isTimeout { return .transient("\(provider): timed out") }
        if t.isConnectionRefused || t.isConnectFailed || t.isDNS || t.isTLS { return .transient("\(provider): cannot connect (\(t.message))") }
        if t.isAuthentication { return .transient("\(provider): credentials refused") }
        return .transient("\(provider): \(t.message)")
    }

    /// The default reading of a non-2xx HTTP status: 429, 5xx and 408 transient, other 4xx permanent.
    public static func fromStatus(_ response: HTTPResponse, provider: String, reason: String? = nil) -> ProviderError {
        let what = reason.map { "HTTP \(response.status) \($0)" } ?? "HTTP \(response.status)"
        switch response.status {
        case 408, 425, 429, 500...599:
            return .transient("\(provider): \(what)", retryAfter: retryAfter(response))
        case 401, 403:
            // Our credentials are wrong or expired: nothing about the recipient; retry once they are fixed.
            return ProviderError(.transient, "\(provider): \(what) (credentials refused)", retryAfter: retryAfter(response), countsAgainstProvider: true)
        default:
            return .permanent("\(provider): \(what)")
        }
    }

    /// `Retry-After` as delta-seconds or an HTTP date, capped at one hour.
    public static func retryAfter(_ response: HTTPResponse, now: Date = Date()) -> Duration? {
        guard let raw = response.header("retry-after")?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        if let seconds = Double(raw), seconds >= 0, seconds.isFinite { return .milliseconds(Int64(min(seconds, 3600) * 1000)) }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = f.date(from: raw) else { return nil }
        let delta = max(0, min(date.timeIntervalSince(now), 3600))
        return .milliseconds(Int64(delta * 1000))
    }
}
