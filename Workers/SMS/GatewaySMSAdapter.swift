import Foundation
import NotifyCore
import Transport

/// A generic HTTP JSON SMS gateway: `POST {url}` with a bearer key and an Idempotency-Key, answering
/// `{"id": ...}`; errors as `{"error": {"code", "message"}}`; receipts posted to `callbackUrl`.
public struct GatewaySMSAdapter: ProviderAdapter {
    public struct Configuration: Sendable {
        public var name: String
        /// The messages resource, e.g. `https://sms.example.com/sms/v1/messages`.
        public var url: String
        public var apiKey: String
        /// The sender id residents see.
        public var sender: String
        /// Where the gateway posts delivery receipts; empty for none.
        public var callbackURL: String
        public var timeout: Duration

        public init(name: String, url: String, apiKey: String, sender: String = "NotifyMe", callbackURL: String = "", timeout: Duration = .seconds(10)) {
            self.name = name
            self.url = url
            self.apiKey = apiKey
            self.sender = sender
            self.callbackURL = callbackURL
            self.timeout = timeout
        }
    }

    let configuration: Configuration
    let transport: CurlTransport

    public init(configuration: Configuration, transport: CurlTransport) {
        self.configuration = configuration
        self.transport = transport
    }

    public var name: String { configuration.name }
    public var postsReceipts: Bool { !configuration.callbackURL.isEmpty }

    public func send(_ message: OutboundMessage) async throws -> ProviderAcceptance {
        var body: [String: String] = ["to": message.to, "from": configuration.sender, "text": message.body, "reference": message.notificationId]
        if !configuration.callbackURL.isEmpty { body["callbackUrl"] = configuration.callbackURL }
        let request = HTTPRequest(
            method: "POST", url: configuration.url,
            headers: [
                HTTPHeader(name: "Authorization", value: "Bearer \(configuration.apiKey)"),
                HTTPHeader(name: "Content-Type", value: "application/json"),
                HTTPHeader(name: "Idempotency-Key", value: message.idempotencyKey),
            ],
            body: JSONText.object(body),
            timeout: configuration.timeout, httpVersion: configuration.url.hasPrefix("https") ? .http2TLS : .http1_1
        )
        let response: HTTPResponse
        do { response = try await transport.execute(request) } catch { throw ProviderError.from(error, provider: name) }
        guard (200..<300).contains(response.status) else { throw classify(response) }
        struct Accepted: Decodable { var id: String }
        guard let id = (try? JSONDecoder().decode(Accepted.self, from: Data(response.body)))?.id else {
            // Accepted, but without an id receipts cannot be matched: the message is out, so report it sent.
            return ProviderAcceptance(messageId: "unknown")
        }
        return ProviderAcceptance(messageId: id)
    }

    func classify(_ response: HTTPResponse) -> ProviderError {
        let json = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        let code = (json?["error"] as? [String: Any])?["code"] as? String
        if response.status == 400, code == "invalid_number" { return .permanent("\(name): invalid phone number") }
        return .fromStatus(response, provider: name, reason: code)
    }
}
