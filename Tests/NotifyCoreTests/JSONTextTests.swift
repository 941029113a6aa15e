import Foundation
import NotifyCore
import Testing

/// The hand-written JSON on the delivery path must read back as JSONEncoder's does, and match its bytes.
struct JSONTextTests {
    static let samples = [
        "", "plain", "تنبيه طوارئ: إخلاء المنطقة", "quote \" and backslash \\", "a/b/c https://x.example/p?q=1",
        "line\nbreak\ttab\rreturn", "bell \u{07} and nul \u{00} and unit \u{1F}", "emoji 🚨 and é", "\u{08}\u{0C}",
    ]

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    @Test(arguments: samples)
    func quotedStringsReadBackAndMatchTheEncoder(_ text: String) throws {
        let quoted = JSONText.quoted(text)
        #expect(try JSONDecoder().decode(String.self, from: Data(quoted.utf8)) == text)
        // Control characters other than the named escapes may be written in either hex case; the rest is byte for byte.
        if !text.unicodeScalars.contains(where: { $0.value < 0x20 && !"\n\t\r\u{08}\u{0C}".unicodeScalars.contains($0) }) {
            #expect(quoted == String(decoding: try Self.encoder.encode(text), as: UTF8.self))
        }
    }

    @Test func objectsHaveSortedKeys() throws {
        let members = ["to": "+4520000000", "text": "سطر\nthe \"alert\"", "from": "NotifyMe", "callbackUrl": "http://h/v1/receipts/gw"]
        let bytes = JSONText.object(members)
        #expect(bytes == Array(try Self.encoder.encode(members)))
        #expect(try JSONDecoder().decode([String: String].self, from: Data(bytes)) == members)
    }

    @Test func jsonValuesAreTheEncodersBytes() throws {
        let value = JSONValue.object([
            "message": .object([
                "token": .string("tok/en"), "notification": .object(["title": .string("تنبيه"), "body": .string("line\n\"quoted\" 🚨")]),
                "data": .object(["notificationId": .string("ntf_1"), "n": .number(3), "half": .number(0.5), "big": .number(1e20),
                                 "neg": .number(-2), "ok": .bool(true), "none": .null, "list": .array([.number(1), .string("a"), .array([])])]),
            ]),
        ])
        #expect(value.jsonBytes == Array(try Self.encoder.encode(value)))
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(value.jsonBytes)) == value)
    }
}
