/// The recipient rules the SMS providers share.
enum PhoneNumbers {
    /// E.164: "+", a non-zero digit, then 7 to 14 more digits.
    static func isE164(_ text: String) -> Bool {
        let digits = text.utf8.dropFirst()
        guard text.utf8.first == UInt8(ascii: "+"), (8...15).contains(digits.count),
              let first = digits.first, first != UInt8(ascii: "0") else { return false }
        return digits.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// Numbers ending in "0000" stand for numbers the provider refuses, so tests can provoke it.
    static func isDeliverable(_ text: String) -> Bool {
        isE164(text) && !text.hasSuffix("0000")
    }
}
