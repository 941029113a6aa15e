import Foundation
import Logging
import Transport

/// Sends push notifications to Android (and iOS through Firebase) devices with the FCM HTTP v1 API.
public struct FCMAdapter: ProviderAdapter {
    /// The configured provider name (health, rate limits, receipts).
    public let name: String
    let sendURL: String
    let configuration: FCMConfiguration
    let http: any PushHTTPClient
    let tokens: FCMTokenCache

    /// Loads the service account named in `configuration`; throws naming the setting at fault.
    public init(configuration: FCMConfiguration, transport: any PushHTTPClient,
                logger: Logger = Logger(label: "push.fcm")) throws(PushConfigurationError) {
        let account = try FCMServiceAccount.load(path: configuration.serviceAccountFile, provider: configuration.name)
        try self.init(configuration: configuration, serviceAccount: account, transport: transport, logger: logger)
    }

    /// Uses an already parsed service account (`configuration.serviceAccountFile` is not read).
    public init(configuration: FCMConfiguration, serviceAccount: FCMServiceAccount, transport: any PushHTTPClient,
                logger: Logger = Logger(label: "push.fcm")) throws(PushConfigurationError) {
        let base = try configuration.checkedBaseURL()
        guard configuration.tokenRefreshMargin >= .zero, configuration.tokenRefreshMargin < .seconds(1800) else {
            throw .invalid(configuration.name, "tokenRefreshMargin", "must be between 0 and 30 minutes")
        }
        self.name = configuration.name
        self.sendURL = "\(base)/v1/projects/\(serviceAccount.projectId)/messages:send"
        self.configuration = configuration
        self.http = transport
        let fetcher = FCMTokenFetcher(account: serviceAccount, http: transport, configuration: configuration, logger: logger)
        self.tokens = FCMTokenCache(margin: configuration.tokenRefreshMargin) { try await fetcher.fetch() }
    }

    public func send(_ message: OutboundMessage) async throws -> ProviderAcceptance {
        let token = message.device?.token ?? message.to
        guard !token.isEmpty else { throw ProviderError.deadRecipient("\(name): the device has no registration token") }
        let body = try payload(for: message, token: token)
        let accessToken = try await tokens.token(now: Date())
        let request = HTTPRequest(
            method: "POST", url: sendURL,
            headers: [
                HTTPHeader(name: "Authorization", value: "Bearer \(accessToken)"),
                HTTPHeader(name: "Content-Type", value: "application/json; charset=UTF-8"),
            ],
            body: body, timeout: configuration.timeout, connectTimeout: configuration.connectTimeout, httpVersion: .http2TLS
        )
        let response: HTTPResponse
        do { response = try await http.execute(request) } catch let error as CancellationError { throw error } catch {
            throw ProviderError.from(error, provider: name)
        }
        guard (200..<300).contains(response.status) else {
            // A refused access token is dropped so that the retry fetches a fresh one.
            if response.status == 401 { await tokens.invalidate(accessToken) }
            throw Self.classify(response, provider: name)
        }
        return ProviderAcceptance(messageId: Self.messageName(response) ?? PushIdempotency.uuid(for: message.idempotencyKey))
    }

    /// The `name` FCM gave the accepted message (`projects/{p}/messages/{id}`).
    static func messageName(_ response: HTTPResponse) -> String? {
        struct Accepted: Decodable { var name: String? }
        return (try? JSONDecoder().decode(Accepted.self, from: Data(response.body)))?.name.flatMap { $0.isEmpty ? nil : $0 }
    }
}
