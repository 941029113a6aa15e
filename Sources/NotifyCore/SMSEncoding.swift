/// How an SMS body is encoded on the air and how many parts it takes.
///
/// Follows GSM 03.38 (3GPP TS 23.038): GSM-7 when every scalar is in the default
/// alphabet or its extension table, otherwise UCS-2.
public struct SMSEncoding: Sendable, Equatable {
    public enum Alphabet: String, Sendable, Codable { case gsm7 = "GSM-7", ucs2 = "UCS-2" }

    public let alphabet: Alphabet
    /// Septets for GSM-7 (an extension-table character counts 2), UTF-16 code units for UCS-2.
    public let characters: Int
    /// Parts the message is sent in: GSM-7 160 in one part, else 153 per part; UCS-2 70, else 67 per part.
    public let segments: Int
    /// Characters still free in the last part.
    public let remaining: Int

    /// Whether the message needs a concatenation header, i.e. more than one part.
    public var isMultipart: Bool { segments > 1 }

    /// GSM 03.38 default alphabet, 0x00–0x7F without ESC (0x1B), in table order.
    static let basic = Set(
        ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà").unicodeScalars)
    /// Extension table: each is sent as ESC plus a code, so it costs 2 septets.
    static let extended = Set("\u{0C}^{}\\[~]|€".unicodeScalars)

    /// Analyses `text`.
    public init(_ text: String) {
        // Scalars, not Characters: "\r\n" is one Character but two septets.
        let scalars = text.unicodeScalars
        let costs: [Int]
        if scalars.allSatisfy({ Self.basic.contains($0) || Self.extended.contains($0) }) {
            alphabet = .gsm7
            costs = scalars.map { Self.extended.contains($0) ? 2 : 1 }
        } else {
            alphabet = .ucs2
            costs = scalars.map { $0.utf16.count }
        }
        characters = costs.reduce(0, +)

        let (single, perPart) = alphabet == .gsm7 ? (160, 153) : (70, 67)
        guard characters > single else {
            segments = 1
            remaining = single - characters
            return
        }
        // Fill parts one unit at a time: an escape pair or a surrogate pair is
        // never split, so a part may end one short and plain division undercounts.
        var parts = 1
        var used = 0
        for cost in costs {
            if used + cost > perPart {
                parts += 1
                used = 0
            }
            used += cost
        }
        segments = parts
        remaining = perPart - used
    }
}
