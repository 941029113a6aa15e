import Foundation
import JWTKit
import Transport

/// Sends push notifications to Apple devices through APNs over HTTP/2 with a provider token.
public struct APNsAdapter: ProviderAdapter {
    /// The configured provider name (health, rate limits, receipts).
    public let name: String
    let baseURL: String
    let configuration: APNsConfiguration
    let http: any PushHTTPClient
    let tokens: APNsTokenCache
    let now: @Sendable () -> Date

    /// Loads the .p8 key named in `configuration`; throws naming the setting at fault.
    public init(configuration: APNsConfiguration, transport: any PushHTTPClient) throws(PushConfigurationError) {
        let pem = try PushKeyFile.read(configuration.keyFile, provider: configuration.name, setting: "keyFile")
        try self.init(configuration: configuration, keyPEM: pem, transport: transport)
    }

    /// Uses the key given in PEM form (`configuration.keyFile` is not read); `now` stands in for the clock in tests.
    public init(configuration: APNsConfiguration, keyPEM: String, transport: any PushHTTPClient,
                now: @escaping @Sendable () -> Date = { Date() }) throws(PushConfigurationError) {
        self.baseURL = try configuration.validated()
        let p256 = try PushKeyFile.p256Key(pem: keyPEM, provider: configuration.name, setting: "keyFile", path: configuration.keyFile)
        let key: ES256PrivateKey
        do { key = try ES256PrivateKey(backing: p256) } catch {
            throw .invalidKey(configuration.name, "keyFile", "names \(configuration.keyFile), which cannot be used for ES256")
        }
        self.name = configuration.name
        self.configuration = configuration
        self.http = transport
        self.now = now
        self.tokens = APNsTokenCache(key: key, keyId: configuration.keyId, teamId: configuration.teamId,
                                     refreshAge: configuration.tokenRefreshAge)
    }

    public func send(_ message: OutboundMessage) async throws -> ProviderAcceptance {
        let deviceToken = (message.device?.token ?? message.to).lowercased()
        // The token goes into the URL path: only hexadecimal, as APNs issues them.
        guard (32...200).contains(deviceToken.utf8.count), deviceToken.unicodeScalars.allSatisfy(\.properties.isASCIIHexDigit) else {
            throw ProviderError.deadRecipient("\(name): the device token is malformed")
        }
        let apnsId = PushIdempotency.uuid(for: message.idempotencyKey)
        let body = try payload(for: message)
        let sentAt = now()
        let jwt: String
        do { jwt = try await tokens.token(now: sentAt) } catch {
            throw ProviderError(.transient, "\(name): cannot sign the provider token", countsAgainstProvider: true)
        }
        // 0 tells APNs to try once and not store the notification.
        let seconds = Int(configuration.expiration.components.seconds)
        let expiration = seconds == 0 ? 0 : Int(sentAt.timeIntervalSince1970) + seconds
        let request = HTTPRequest(
            method: "POST", url: "\(baseURL)/3/device/\(deviceToken)",
            headers: [
                HTTPHeader(name: "authorization", value: "bearer \(jwt)"),
                HTTPHeader(name: "apns-topic", value: configuration.topic),
                HTTPHeader(name: "apns-push-type", value: "alert"),
                HTTPHeader(name: "apns-priority", value: message.urgent ? "10" : "5"),
                HTTPHeader(name: "apns-expiration", value: String(expiration)),
                HTTPHeader(name: "apns-id", value: apnsId),
                // apns-id names the request, it does not deduplicate: the collapse id makes a resend replace what the device shows.
                HTTPHeader(name: "apns-collapse-id", value: apnsId),
                HTTPHeader(name: "content-type", value: "application/json"),
            ],
            body: body, timeout: configuration.timeout, connectTimeout: configuration.connectTimeout,
            httpVersion: .http2(for: baseURL)
        )
        let response: HTTPResponse
        do { response = try await http.execute(request) } catch let error as CancellationError { throw error } catch {
            throw ProviderError.from(error, provider: name)
        }
        guard response.status == 200 else {
            let reason = Self.reason(response)
            if response.status == 403, let reason, Self.providerTokenReasons.contains(reason) { await tokens.invalidate(jwt) }
            throw Self.classify(response, reason: reason, provider: name)
        }
        return ProviderAcceptance(messageId: response.header("apns-id").flatMap { $0.isEmpty ? nil : $0 } ?? apnsId)
    }
}
