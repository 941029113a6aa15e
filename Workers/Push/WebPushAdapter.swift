import Foundation
import NotifyCore
import Transport

/// Sends Web Push messages to browsers' push services, encrypted for the subscription and signed with VAPID.
public struct WebPushAdapter: ProviderAdapter {
    /// The configured provider name (health, rate limits, receipts).
    public let name: String
    let configuration: WebPushConfiguration
    let allowlist: WebPushAllowlist
    let http: any PushHTTPClient
    let vapid: VAPIDTokenCache
    let now: @Sendable () -> Date
    /// The VAPID public key (base64url, uncompressed): what browsers pass as `applicationServerKey`.
    public let vapidPublicKey: String

    /// Loads (or, when configured, creates) the VAPID key; throws naming the setting at fault.
    public init(configuration: WebPushConfiguration, transport: any PushHTTPClient) throws(PushConfigurationError) {
        try configuration.validate()
        let key = try VAPIDKey.load(path: configuration.vapidKeyFile, createIfMissing: configuration.createKeyIfMissing,
                                    provider: configuration.name)
        try self.init(configuration: configuration, key: key, transport: transport)
    }

    /// Uses the given VAPID key (`configuration.vapidKeyFile` is not read); `now` stands in for the clock in tests.
    public init(configuration: WebPushConfiguration, key: VAPIDKey, transport: any PushHTTPClient,
                now: @escaping @Sendable () -> Date = { Date() }) throws(PushConfigurationError) {
        try configuration.validate()
        self.name = configuration.name
        self.configuration = configuration
        self.allowlist = WebPushAllowlist(WebPushConfiguration.defaultAllowedHosts + configuration.additionalAllowedHosts)
        self.http = transport
        self.now = now
        self.vapid = VAPIDTokenCache(key: key, subject: configuration.subject, lifetime: configuration.tokenLifetime)
        self.vapidPublicKey = key.publicKeyBase64URL
    }

    public func send(_ message: OutboundMessage) async throws -> ProviderAcceptance {
        guard let subscription = message.device?.subscription else {
            throw ProviderError.permanent("\(name): the device has no Web Push subscription")
        }
        guard let endpoint = WebPushEndpoint(subscription.endpoint, allowHTTP: configuration.allowHTTP) else {
            throw ProviderError.permanent("\(name): the subscription endpoint is not a usable https URL")
        }
        guard allowlist.allows(endpoint.host) else { throw ProviderError.permanent("\(name): endpoint host not allowed") }
        let body = try encryptedBody(for: message, subscription: subscription)
        let authorization: String
        do { authorization = try await vapid.authorization(origin: endpoint.origin, now: now()) } catch {
            throw ProviderError(.transient, "\(name): cannot sign the VAPID token", countsAgainstProvider: true)
        }
        let request = HTTPRequest(
            method: "POST", url: endpoint.url, headers: headers(for: message, authorization: authorization), body: body,
            timeout: configuration.timeout, connectTimeout: configuration.connectTimeout, httpVersion: .http2TLS
        )
        let response: HTTPResponse
        do { response = try await http.execute(request) } catch let error as CancellationError { throw error } catch {
            throw ProviderError.from(error, provider: name)
        }
        guard (200..<300).contains(response.status) else { throw Self.classify(response, provider: name) }
        let location = response.header("location").flatMap { $0.isEmpty ? nil : $0 }
        return ProviderAcceptance(messageId: location ?? PushIdempotency.uuid(for: message.idempotencyKey))
    }
}
