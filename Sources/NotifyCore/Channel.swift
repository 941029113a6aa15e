/// A delivery channel.
public enum Channel: String, Sendable, Codable, CaseIterable, Hashable {
    case sms, email, push
}

/// A resident's language.
public enum Language: String, Sendable, Codable, CaseIterable, Hashable {
    case ar, en
}

/// How urgently an event must go out; urgent ignores quiet hours.
public enum Priority: String, Sendable, Codable, Hashable, CaseIterable {
    case normal, urgent
}
