import Foundation
import NotifyCore
import Transport

/// A generic HTTP JSON SMS gateway: `POST {url}` with a bearer key and an Idempotency-Key, answering
/// `{"id": ...}`; errors as `{"error": {"code", "message"}}`; receipts posted to `callbackUrl`, each echoing the message's
/// `reference` (its notification id). Sends that come together go as one `POST {url}/batch` of up to `batchSize`
/// messages, each with its own idempotency key.
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
        /// Most messages in one batch request; 1 sends every message on its own.
        public var batchSize: Int

        public init(name: String, url: String, apiKey: String, sender: String = "NotifyMe", callbackURL: String = "", timeout: Duration = .seconds(10),
                    batchSize: Int = 100) {
            self.name = name
            self.url = url
            self.apiKey = apiKey
            self.sender = sender
            self.callbackURL = callbackURL
            self.timeout = timeout
            self.batchSize = batchSize
        }
    }

    let configuration: Configuration
    let transport: CurlTransport
    /// Gathers concurrent sends when batches are on.
    let batcher: SendBatcher?

    public init(configuration: Configuration, transport: CurlTransport) {
        let alone = GatewaySMSAdapter(configuration: configuration, transport: transport, batcher: nil)
        self.init(configuration: configuration, transport: transport,
                  batcher: configuration.batchSize > 1 ? SendBatcher(maxBatch: configuration.batchSize) { await alone.send(batch: $0) } : nil)
    }

    private init(configuration: Configuration, transport: CurlTransport, batcher: SendBatcher?) {
        self.configuration = configuration
        self.transport = transport
        self.batcher = batcher
    }

    public var name: String { configuration.name }
    public var postsReceipts: Bool { !configuration.callbackURL.isEmpty }
    /// Each message carries its notification id as `reference`, which the gateway's receipts echo.
    public var receiptsNameNotification: Bool { true }

    public func send(_ message: OutboundMessage) async throws -> ProviderAcceptance {
        if let batcher { return try await batcher.send(message).get() }
        return try await sendAlone(message)
    }

    func sendAlone(_ message: OutboundMessage) async throws -> ProviderAcceptance {
        let request = post(configuration.url, body: JSONText.object(fields(message)), idempotencyKey: message.idempotencyKey)
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

    /// The members of one message, as sent alone or within a batch.
    func fields(_ message: OutboundMessage) -> [String: String] {
        var body = ["to": message.to, "from": configuration.sender, "text": message.body, "reference": message.notificationId]
        if !configuration.callbackURL.isEmpty { body["callbackUrl"] = configuration.callbackURL }
        return body
    }

    func post(_ url: String, body: [UInt8], idempotencyKey: String?) -> HTTPRequest {
        var headers = [HTTPHeader(name: "Authorization", value: "Bearer \(configuration.apiKey)"),
                       HTTPHeader(name: "Content-Type", value: "application/json")]
        if let idempotencyKey { headers.append(HTTPHeader(name: "Idempotency-Key", value: idempotencyKey)) }
        return HTTPRequest(method: "POST", url: url, headers: headers, body: body, timeout: configuration.timeout,
                           httpVersion: url.hasPrefix("https") ? .http2TLS : .http1_1)
    }

    func classify(_ response: HTTPResponse) -> ProviderError {
        let json = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        let code = (json?["error"] as? [String: Any])?["code"] as? String
        if response.status == 400, code == "invalid_number" { return .permanent("\(name): invalid phone number") }
        return .fromStatus(response, provider: name, reason: code)
    }
}
