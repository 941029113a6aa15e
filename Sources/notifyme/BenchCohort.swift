import NotifyCore

/// A group of synthetic residents reachable on one channel, joined to their own topic.
/// Each cohort has its own range of CPR numbers and addresses, so the simulator's per-recipient counts tell them apart.
enum BenchCohort: String, CaseIterable, Sendable {
    case sms, email, push
    /// SMS residents for the fan-out of a large topic.
    case fanout

    var topic: String {
        switch self {
        case .sms: "emergency.capital-governorate"
        case .email: "emergency.muharraq-governorate"
        case .push: "emergency.northern-governorate"
        case .fanout: "emergency.southern-governorate"
        }
    }

    /// Every resident of the first three cohorts is also in this topic, for the mixed run.
    static let mixedTopic = "emergency.national"

    private var base: Int {
        switch self {
        case .sms: 100_000_000
        case .email: 200_000_000
        case .push: 300_000_000
        case .fanout: 400_000_000
        }
    }

    func cpr(_ i: Int) throws -> CPR { try CPR(String(base + i)) }

    /// A Bahraini mobile: sms residents from 36000000, fan-out residents from 38000000 (2,000,000 each at most).
    func phone(_ i: Int) throws -> PhoneNumber {
        try PhoneNumber(String((self == .fanout ? 38_000_000 : 36_000_000) + i))
    }

    static let maxSize = 2_000_000
}
