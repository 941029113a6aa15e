import Foundation
import NotifyCore
import Testing

/// A record's timeline lines in their compact form read back as written, whatever the detail holds.
struct TimelineLineTests {
    @Test(arguments: JSONTextTests.samples + ["two  spaces ", " leading", "12 sent looks like a line"])
    func aLineReadsBackAsWritten(_ detail: String) throws {
        let entry = TimelineEntry(at: Date(timeIntervalSince1970: 1_796_626_867), status: .delivered, detail: detail)
        let line = entry.storedLine
        #expect(TimelineEntry(storedLine: Array(line.utf8)) == entry)
        #expect(line == "1796626867 delivered \(detail)")
    }

    @Test func secondsAreKeptAndFractionsDropped() {
        let entry = TimelineEntry(at: Date(timeIntervalSince1970: 1_796_626_867.9), status: .sent, detail: "accepted")
        #expect(TimelineEntry(storedLine: Array(entry.storedLine.utf8))?.at == Date(timeIntervalSince1970: 1_796_626_867))
        let before1970 = TimelineEntry(at: Date(timeIntervalSince1970: -1.5), status: .queued, detail: "")
        #expect(before1970.storedLine == "-2 queued ")
        #expect(TimelineEntry(storedLine: Array(before1970.storedLine.utf8))?.at == Date(timeIntervalSince1970: -2))
    }

    @Test(arguments: ["", "1796626867", "1796626867 sent", "x sent accepted", "1796626867 nosuch accepted", " sent accepted",
                      #"{"at":"2026-12-07T07:01:07Z","detail":"sending","status":"sending"}"#])
    func anythingElseIsNotALine(_ text: String) {
        #expect(TimelineEntry(storedLine: Array(text.utf8)) == nil)
    }

    @Test(arguments: ["sending", "accepted by sim-gateway (gw-1b89e9e5-778a-4ece-bdfa-aa9f26ef10b2)", "delivered (gateway receipt)"])
    func aLineIsShorterThanTheJSONObjectItReplaces(_ detail: String) throws {
        let entry = TimelineEntry(at: Date(timeIntervalSince1970: 1_796_626_867), status: .sending, detail: detail)
        // The JSON lines were what JSONEncoder writes for the entry (ISO 8601 dates, sorted keys).
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = try encoder.encode(entry)
        #expect(json.count - entry.storedLine.utf8.count == 41, "\(String(decoding: json, as: UTF8.self))")
    }
}
