/// What choosing a channel reads of a resident's contact: the channels with an address, the verified ones, the
/// language and quiet hours. Fan-out reads it from the stored record without opening the sealed addresses, which
/// was a tenth of its CPU; the send opens the one address it uses.
public struct ContactReach: Sendable, Equatable {
    /// Channels the resident gave an address for (push is reached through devices instead).
    public var addressed: Set<Channel>
    public var verified: Set<Channel>
    public var language: Language
    public var quietHours: QuietHours?

    public init(addressed: Set<Channel>, verified: Set<Channel>, language: Language, quietHours: QuietHours? = nil) {
        self.addressed = addressed
        self.verified = verified
        self.language = language
        self.quietHours = quietHours
    }
}

extension Contact {
    /// The contact as channel choice reads it.
    public var reach: ContactReach {
        ContactReach(addressed: Set([Channel.sms, .email].filter { address(for: $0) != nil }), verified: verified, language: language,
                     quietHours: quietHours)
    }
}
