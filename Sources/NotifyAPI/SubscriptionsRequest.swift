import NotifyCore

/// The body of PUT /v1/me/subscriptions.
struct SubscriptionsRequest: Decodable {
    static let fields: Set<String> = ["categories", "quietHours"]

    var categories: [String: [String: Bool]]?
    /// Absent: unchanged; `.null`: removed; an object: set.
    var quietHours: JSONValue?

    private enum CodingKeys: String, CodingKey { case categories, quietHours }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        categories = try c.decodeIfPresent([String: [String: Bool]].self, forKey: .categories)
        // Optional decoding would read null as absent; here null means "remove".
        quietHours = c.contains(.quietHours) ? (try c.decodeNil(forKey: .quietHours) ? .null : c.decode(JSONValue.self, forKey: .quietHours)) : nil
    }

    func choices() throws -> [String: [Channel: Bool]] {
        var result: [String: [Channel: Bool]] = [:]
        var problems: [FieldError] = []
        for (name, channels) in categories ?? [:] {
            for (key, on) in channels {
                guard let c = Channel(rawValue: key) else {
                    problems.append(FieldError(field: "categories.\(name.prefix(64)).\(key.prefix(16))", detail: "is not a channel (sms, email, push)"))
                    continue
                }
                result[name, default: [:]][c] = on
            }
        }
        guard problems.isEmpty else { throw NotifyError.invalid(problems) }
        return result
    }

    /// nil when absent; `.some(nil)` to remove.
    func quiet() throws -> QuietHours?? {
        switch quietHours {
        case nil: return nil
        case .null?: return .some(nil)
        case .object(let o)?:
            if let extra = o.keys.sorted().first(where: { !["start", "end", "timeZone"].contains($0) }) {
                throw NotifyError.invalid("quietHours.\(extra.prefix(32))", "is not a known field")
            }
            guard case .string(let s)? = o["start"] else { throw NotifyError.invalid("quietHours.start", "must be a time as HH:MM") }
            guard case .string(let e)? = o["end"] else { throw NotifyError.invalid("quietHours.end", "must be a time as HH:MM") }
            var zone: String?
            if let z = o["timeZone"] {
                guard case .string(let zs) = z else { throw NotifyError.invalid("quietHours.timeZone", "must be an IANA time zone") }
                zone = zs
            }
            return .some(try QuietHours(start: s, end: e, timeZone: zone))
        default:
            throw NotifyError.invalid("quietHours", "must be {start, end, timeZone?} or null")
        }
    }
}
