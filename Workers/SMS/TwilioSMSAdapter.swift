import Foundation
import Transport

/// Twilio's Messages resource (or a compatible API): form-encoded, basic auth, StatusCallback for receipts.
public struct TwilioSMSAdapter: ProviderAdapter {
    public struct Configuration: Sendable {
        public var name: String
        /// `https://api.twilio.com`, or a compatible server's base URL.
        public var baseURL: String
        public var accountSid: String
        public var authToken: String
        /// The sending number (E.164) or alphanumeric sender id; ignored when a messaging service is set.
        public var from: String
        public var messagingServiceSid: String
        /// Where Twilio posts status changes; empty for none.
        public var statusCallback: String
        public var timeout: Duration

        public init(name: String, baseURL: String = "https://api.twilio.com", accountSid: String, authToken: String, from: String = "",
                    messagingServiceSid: String = "", statusCallback: String = "", timeout: Duration = .seconds(10)) {
            self.name = name
            self.baseURL = baseURL
            self.accountSid = accountSid
            self.authToken = authToken
            self.from = from
            self.messagingServiceSid = messagingServiceSid
            self.statusCallback = statusCallback
            self.timeout = timeout
        }
    }

    /// Twilio error codes that mean this number cannot receive the message: retrying will not help.
    static let permanentCodes: Set<Int> = [21211, 21212, 21408, 21610, 21612, 21614, 21617, 21635, 30003, 30004, 30005, 30006]

    let configuration: Configuration
    let transport: CurlTransport

    public init(configuration: Configuration, transport: CurlTransport) {
        self.configuration = configuration
        self.transport = transport
    }

    public var name: String { configuration.name }
    public var postsReceipts: Bool { !configuration.statusCallback.isEmpty }

    public func send(_ message: OutboundMessage) async throws -> ProviderAcceptance {
        var form: [(String, String)] = [("To", message.to), ("Body", message.body)]
        if !configuration.messagingServiceSid.isEmpty { form.append(("MessagingServiceSid", configuration.messagingServiceSid)) }
        else { form.append(("From", configuration.from)) }
        if !configuration.statusCallback.isEmpty { form.append(("StatusCallback", configuration.statusCallback)) }
        let credentials = Data("\(configuration.accountSid):\(configuration.authToken)".utf8).base64EncodedString()
        let base = configuration.baseURL.hasSuffix("/") ? String(configuration.baseURL.dropLast()) : configuration.baseURL
        let request = HTTPRequest(
            method: "POST", url: "\(base)/2010-04-01/Accounts/\(configuration.accountSid)/Messages.json",
            headers: [
                HTTPHeader(name: "Authorization", value: "Basic \(credentials)"),
                HTTPHeader(name: "Content-Type", value: "application/x-www-form-urlencoded"),
            ],
            body: FormEncoding.encode(form), timeout: configuration.timeout,
            httpVersion: base.hasPrefix("https") ? .http2TLS : .http1_1
        )
        let response: HTTPResponse
        do { response = try await transport.execute(request) } catch { throw ProviderError.from(error, provider: name) }
        let json = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        guard (200..<300).contains(response.status) else {
            let code = json?["code"] as? Int
            if let code, Self.permanentCodes.contains(code) { throw ProviderError.permanent("\(name): Twilio error \(code)") }
            throw ProviderError.fromStatus(response, provider: name, reason: code.map { "Twilio error \($0)" })
        }
        return ProviderAcceptance(messageId: json?["sid"] as? String ?? "unknown")
    }
}
