@testable import NotifyCore
import Testing

@Suite struct SMSEncodingTests {
    private func plain(_ n: Int) -> String { String(repeating: "a", count: n) }
    private func arabic(_ n: Int) -> String { String(repeating: "ب", count: n) }
    private func summary(_ text: String) -> (SMSEncoding.Alphabet, Int, Int, Int) {
        let sms = SMSEncoding(text)
        return (sms.alphabet, sms.characters, sms.segments, sms.remaining)
    }

    @Test(arguments: [(160, 1, 0), (161, 2, 145), (306, 2, 0), (307, 3, 152)])
    func gsm7SegmentBoundaries(length: Int, segments: Int, remaining: Int) {
        let sms = SMSEncoding(plain(length))
        #expect(sms.alphabet == .gsm7)
        #expect(sms.characters == length)
        #expect(sms.segments == segments)
        #expect(sms.remaining == remaining)
        #expect(sms.isMultipart == (segments > 1))
    }

    @Test func extensionCharactersCostTwoSeptets() {
        let sms = SMSEncoding("Price: 10€")
        #expect(sms.alphabet == .gsm7)
        #expect(sms.characters == 11)
        #expect(summary(plain(152) + "€") == (.gsm7, 154, 1, 6))
        #expect(SMSEncoding(plain(158) + "€").segments == 1)
        #expect(summary(plain(159) + "€") == (.gsm7, 161, 2, 145))
    }

    @Test func escapePairIsNeverSplitAcrossParts() {
        // 306 septets either way; only the position of the pair differs.
        let fits = SMSEncoding(plain(151) + "{" + plain(153))
        #expect(fits.characters == 306)
        #expect(fits.segments == 2)
        #expect(fits.remaining == 0)
        // One septet left in part 1, so "{" opens part 2 and pushes the last "a" into part 3.
        let straddles = SMSEncoding(plain(152) + "{" + plain(152))
        #expect(straddles.characters == 306)
        #expect(straddles.segments == 3)
        #expect(straddles.remaining == 152)
    }

    @Test(arguments: [(70, 1, 0), (71, 2, 63), (134, 2, 0), (135, 3, 66)])
    func ucs2SegmentBoundaries(length: Int, segments: Int, remaining: Int) {
        let sms = SMSEncoding(arabic(length))
        #expect(sms.alphabet == .ucs2)
        #expect(sms.characters == length)
        #expect(sms.segments == segments)
        #expect(sms.remaining == remaining)
    }

    @Test func emojiForcesUCS2AndCountsTwoUnits() {
        #expect(summary("😀") == (.ucs2, 2, 1, 68))
        #expect(SMSEncoding("Hi 👋").characters == 5)
    }

    @Test func surrogatePairIsNeverSplitAcrossParts() {
        let fits = SMSEncoding(String(repeating: "x", count: 65) + "😀" + String(repeating: "x", count: 67))
        #expect(fits.characters == 134)
        #expect(fits.segments == 2)
        let straddles = SMSEncoding(String(repeating: "x", count: 66) + "😀" + String(repeating: "x", count: 66))
        #expect(straddles.characters == 134)
        #expect(straddles.segments == 3)
        #expect(straddles.remaining == 66)
    }

    @Test func accentsOutsideTheTableForceUCS2() {
        #expect(summary("café") == (.gsm7, 4, 1, 156))
        #expect(summary("fête") == (.ucs2, 4, 1, 66))
    }

    @Test func crlfIsTwoSeptets() {
        #expect(summary("\r\n") == (.gsm7, 2, 1, 158))
    }

    @Test func emptyTextIsOneEmptyGSM7Part() {
        #expect(summary("") == (.gsm7, 0, 1, 160))
    }

    @Test func wholeTableIsGSM7() {
        let basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
        #expect(basic.unicodeScalars.count == 127)
        #expect(summary(basic) == (.gsm7, 127, 1, 33))
        #expect(SMSEncoding("\u{0C}^{}\\[~]|€").characters == 20)
    }

    // Lookalikes that are not in GSM 03.38: ç, backtick, tab, ESC itself, NBSP,
    // curly apostrophe, Ohm sign (the table has Greek Ω), Greek small delta.
    @Test(arguments: ["ç", "`", "\t", "\u{1B}", "\u{A0}", "’", "\u{2126}", "δ"])
    func lookalikesForceUCS2(_ text: String) {
        #expect(SMSEncoding(text).alphabet == .ucs2)
    }

    @Test func realisticEnglishMessage() {
        // 108 characters, three of them (€ [ ]) from the extension table.
        let text = "Hi Fatima, your order #1042 has shipped. Total paid: €25.00 [incl. VAT]. Track it at notifyme.example/t/1042"
        #expect(summary(text) == (.gsm7, 111, 1, 49))
    }

    @Test func realisticArabicMessage() {
        // Tanween marks are separate scalars, so this is 93 units though fewer Characters.
        let text = "مرحباً، تم تأكيد موعدك يوم الأحد الساعة ١٠:٣٠ صباحاً. للإلغاء أرسل ٢. شكراً لاختيارك خدماتنا."
        #expect(summary(text) == (.ucs2, 93, 2, 41))
    }

    @Test func alphabetRawValues() {
        #expect(SMSEncoding.Alphabet.gsm7.rawValue == "GSM-7")
        #expect(SMSEncoding.Alphabet.ucs2.rawValue == "UCS-2")
    }
}
