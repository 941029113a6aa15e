/// What NotifyMe holds about a resident: how to reach them and in which language.
public struct Contact: Sendable, Equatable {
    public var cpr: CPR
    public var name: String?
    public var phone: PhoneNumber?
    public var email: EmailAddress?
    public var language: Language
    public var verified: Set<Channel>
    public var quietHours: QuietHours?

    public init(cpr: CPR, name: String? = nil, phone: PhoneNumber? = nil, email: EmailAddress? = nil, language: Language = .ar,
                verified: Set<Channel> = [], quietHours: QuietHours? = nil) {
        self.cpr = cpr
        self.name = name
        self.phone = phone
        self.email = email
        self.language = language
        self.verified = verified
        self.quietHours = quietHours
    }

    /// The address for `channel`, if the resident gave one.
    public func address(for channel: Channel) -> String? {
        switch channel {
        case .sms: phone?.e164
        case .email: email?.value
        case .push: nil
        }
    }
}
