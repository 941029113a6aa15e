import Foundation
import Hummingbird

/// Twilio's Programmable Messaging API: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`
/// (under `/twilio`), form-encoded, HTTP basic auth with the account SID and auth token.
struct TwilioRoutes {
    let simulator: ProviderSimulator

    func register(on router: Router<BasicRequestContext>) {
        router.post("twilio/2010-04-01/Accounts/:sid/Messages.json") { request, context in
            try await send(request, accountSid: context.parameters.get("sid") ?? "")
        }
    }

    func send(_ request: Request, accountSid: String) async throws -> Response {
        try await simulator.applyLatency(.twilio)
        if simulator.isInOutage(.twilio) { return Self.error(503, 20503, "Service Unavailable") }
        let account = simulator.baseCredentials.twilio
        guard accountSid == account.accountSid, let (user, password) = Self.basicAuth(request),
              user == account.accountSid, password == account.authToken else {
            return Self.error(401, 20003, "Authenticate")
        }
        guard let bytes = await SimResponse.body(of: request) else { return Self.error(413, 21617, "Request too large") }
        let form = FormEncoding.dictionary(bytes)
        guard let to = form["To"], !to.isEmpty else { return Self.error(400, 21604, "A 'To' phone number is required.") }
        guard let body = form["Body"], !body.isEmpty else { return Self.error(400, 21602, "Message body is required.") }
        let from = form["From"]
        let service = form["MessagingServiceSid"]
        guard from?.isEmpty == false || service?.isEmpty == false else {
            return Self.error(400, 21603, "A 'From' phone number is required.")
        }
        guard body.count <= 1600 else {
            return Self.error(400, 21617, "The concatenated message body exceeds the 1600 character limit.")
        }
        let callback = form["StatusCallback"]
        if let callback, URL(string: callback)?.scheme?.hasPrefix("http") != true {
            return Self.error(400, 21609, "The StatusCallback URL \(callback) is not a valid URL.")
        }
        guard PhoneNumbers.isDeliverable(to) else {
            return Self.error(400, 21211, "The 'To' number \(to) is not a valid phone number.")
        }
        switch simulator.admit(.twilio) {
        case .throttled: return Self.error(429, 20429, "Too Many Requests", headers: [("Retry-After", "1")])
        case .failure: return Self.error(500, 20500, "Internal Server Error")
        case .pass: break
        }
        let message = SimulatedMessage(
            provider: Provider.twilio.rawValue, recipient: to, text: body, messageId: "SM" + RandomText.hex(32)
        )
        _ = simulator.record(message, for: .twilio)
        let sender = from ?? ""
        if let callback { scheduleReceipts(for: message, from: sender, callback: callback) }
        return SimResponse.json(201, resource(for: message, from: from, service: service))
    }

    /// The Message resource as Twilio returns it on creation.
    private func resource(for message: SimulatedMessage, from: String?, service: String?) -> JSON {
        let sid = simulator.baseCredentials.twilio.accountSid
        let date = JSON.string(Self.rfc2822(message.at))
        let uri = "/2010-04-01/Accounts/\(sid)/Messages/\(message.messageId)"
        return [
            "account_sid": .string(sid), "api_version": "2010-04-01", "body": .optional(message.text),
            "date_created": date, "date_sent": nil, "date_updated": date, "direction": "outbound-api",
            "error_code": nil, "error_message": nil, "from": .optional(from), "messaging_service_sid": .optional(service),
            "num_media": "0", "num_segments": .string(String(SMSSegments.count(message.text ?? ""))),
            "price": nil, "price_unit": "USD", "sid": .string(message.messageId), "status": service == nil ? "queued" : "accepted",
            "subresource_uris": ["media": .string(uri + "/Media.json")], "to": .string(message.recipient), "uri": .string(uri + ".json"),
        ]
    }

    /// `(user, password)` from `Authorization: Basic …`, or nil.
    static func basicAuth(_ request: Request) -> (String, String)? {
        guard let header = request.headers.value("Authorization"), header.lowercased().hasPrefix("basic "),
              let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)) else { return nil }
        let text = String(decoding: decoded, as: UTF8.self)
        guard let colon = text.firstIndex(of: ":") else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }

    /// Twilio's REST error body.
    static func error(_ status: Int, _ code: Int, _ message: String, headers: [(String, String)] = []) -> Response {
        SimResponse.json(status, [
            "code": .int(code), "message": .string(message),
            "more_info": .string("https://www.twilio.com/docs/errors/\(code)"), "status": .int(status),
        ], headers: headers)
    }

    static func rfc2822(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }
}
