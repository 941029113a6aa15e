/// The simulated providers; raw values are the names used in the public API and the control API.
enum Provider: String, CaseIterable, Sendable {
    case gateway, twilio, fcm, apns, webpush

    /// The provider called `name`, or a ``SimulatorError``.
    static func named(_ name: String) throws -> Provider {
        guard let provider = Provider(rawValue: name) else {
            throw SimulatorError("unknown provider \"\(name)\" (known: \(allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return provider
    }
}
