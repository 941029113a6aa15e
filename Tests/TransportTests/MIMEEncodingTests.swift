import Foundation
import Testing
@testable import Transport

/// The byte-wise paths rendering takes (dates, folding, addresses) against the general ones they stand in for.
@Suite("MIME encoding works on bytes as it did on characters")
struct MIMEEncodingTests {
    /// Calendar's reading of a date, which ``MailDate/format(_:)`` now works out itself.
    private func calendarDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let c = calendar.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ v: Int?) -> String { (v ?? 0) < 10 ? "0\(v ?? 0)" : "\(v ?? 0)" }
        return "\(days[(c.weekday ?? 1) - 1]), \(two(c.day)) \(months[(c.month ?? 1) - 1]) \(c.year ?? 0) \(two(c.hour)):\(two(c.minute)):\(two(c.second)) +0000"
    }

    @Test("Dates match the calendar from 1600 on: leap days, centuries, before 1970, fractions of a second")
    func datesMatchTheCalendar() {
        var seconds: [Double] = [0, -1, -0.5, 59.999, 86_399.5, 86_400, 951_782_400, 951_868_799, 4_102_444_799, 4_107_542_400,
                                 -2_208_988_800, -11_676_096_000, 1_709_632_800, 253_402_300_799]
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2000 {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            seconds.append(Double(Int64(bitPattern: x) % 11_000_000_000) + Double(x % 1000) / 1000)
        }
        for s in seconds {
            let date = Date(timeIntervalSince1970: s)
            #expect(MailDate.format(date) == calendarDate(date), "at \(s)")
        }
        #expect(MailDate.format(Date(timeIntervalSince1970: 1_709_632_800)) == "Tue, 05 Mar 2024 10:00:00 +0000")
    }

    @Test("An ASCII header folds at the same spaces as the character-wise fold, leading and doubled spaces included")
    func asciiFoldingMatches() {
        let words = ["a", "bb", String(repeating: "c", count: 40), String(repeating: "d", count: 79), "", " ", "\t", "=?UTF-8?B?2KrZhtio2YrZhw==?="]
        var x: UInt64 = 42
        var lines = ["Subject: " + String(repeating: "x", count: 70), "Subject:  " + String(repeating: "word ", count: 30), "X: " + String(repeating: " ", count: 90) + "end"]
        for _ in 0..<500 {
            var line = "X-Header:"
            for _ in 0..<Int(x % 25) {
                x = x &* 6_364_136_223_846_793_005 &+ 1
                line += " " + words[Int((x >> 33) % UInt64(words.count))]
            }
            lines.append(line)
        }
        for line in lines {
            var out: [UInt8] = []
            MIMEEncoding.appendHeader(line, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == MIMEEncoding.fold(line) + "\r\n", "\(line)")
        }
    }

    @Test("Addresses: bare, named, padded, quoted, with specials, and not ASCII")
    func addresses() {
        let a = MailAddress("  NotifyMe <no-reply@notify.gov.bh>\t")
        #expect(a.displayName == "NotifyMe" && a.address == "no-reply@notify.gov.bh")
        #expect(a.headerValue == "NotifyMe <no-reply@notify.gov.bh>")
        #expect(MailAddress("plain@x.y ").headerValue == "plain@x.y")
        #expect(MailAddress("Name <  spaced@addr  >").address == "spaced@addr")
        #expect(MailAddress("Multi <a@b> <c@d>").address == "c@d")
        #expect(MailAddress("Multi <a@b> <c@d>").displayName == "Multi <a@b>")
        #expect(MailAddress("Multi <a@b> <c@d>").headerValue == "\"Multi <a@b>\" <c@d>")
        #expect(MailAddress("\"Quoted, Name\" <q@x.y>").headerValue == "\"Quoted, Name\" <q@x.y>")
        #expect(MailAddress("\"Esc \\\" in\" <e@x.y>").displayName == "Esc \" in")
        #expect(MailAddress("Dr. Who <w@x.y>").headerValue == "\"Dr. Who\" <w@x.y>")
        #expect(MailAddress("Evil\r\nBcc: x <e@f.g>").displayName == "Evil Bcc: x")
        #expect(MailAddress("<>").address.isEmpty)
        #expect(MailAddress("   ").address.isEmpty)
        let arabic = MailAddress("الخدمة <svc@gov.bh>")
        #expect(arabic.displayName == "الخدمة" && arabic.address == "svc@gov.bh")
        #expect(arabic.headerValue.hasPrefix("=?UTF-8?B?") && arabic.headerValue.hasSuffix(" <svc@gov.bh>"))
    }

    @Test("Line endings become CRLF: LF, CR, CRLF, CR CR LF, and none")
    func lineEndings() {
        #expect(MIMEEncoding.crlfLines("a\nb\rc\r\nd\r\r\ne") == Array("a\r\nb\r\nc\r\nd\r\n\r\ne".utf8))
        #expect(MIMEEncoding.crlfLines("\n\r") == Array("\r\n\r\n".utf8))
        #expect(MIMEEncoding.crlfLines("plain") == Array("plain".utf8))
    }
}
