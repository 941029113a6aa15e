import NotifyCore

/// The body of POST /v1/me/contact/verify.
struct VerifyRequest: Decodable {
    static let fields: Set<String> = ["channel", "code"]
    var channel: String
    var code: String

    func validatedChannel() throws -> Channel {
        guard let c = Channel(rawValue: channel), c != .push else { throw NotifyError.invalid("channel", "must be \"sms\" or \"email\"") }
        return c
    }
}
