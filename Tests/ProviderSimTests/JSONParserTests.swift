import Foundation
import Testing
@testable import ProviderSim

/// The simulator's own JSON reading and writing must agree with Foundation's on what providers send and receive.
struct JSONParserTests {
    static let documents = [
        #"{"to":"+97336001234","from":"NotifyMe","text":"تنبيه: \"إخلاء\"\n🚨","reference":"ntf_1","callbackUrl":"http://127.0.0.1:8080/v1/receipts/gw"}"#,
        #"{"message":{"token":"t","notification":{"title":"T","body":"B"},"data":{"k":"v"},"android":{"priority":"high","ttl":"86400s"}}}"#,
        #"  [1, -2, 3.5, 1e3, true, false, null, "a\/b", "\u00e9\ud83d\udea8", {}, []]  "#,
        #"{"aps":{"alert":{"title":"x"},"badge":0,"content-available":1},"n":{"a":[{"b":[null]}]}}"#,
    ]

    @Test(arguments: documents)
    func readsWhatFoundationReads(_ text: String) throws {
        let parsed = try #require(JSONParser.parse(Array(text.utf8)))
        let foundation = try JSONDecoder().decode(JSON.self, from: Data(text.utf8))
        #expect(parsed == foundation)
        // Written back, it reads the same, and its bytes are JSONEncoder's (sorted keys, slashes as they are).
        #expect(JSONParser.parse(parsed.bytes) == parsed)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(parsed.bytes == Array(try encoder.encode(foundation)))
    }

    @Test(arguments: ["", "{", #"{"a":}"#, #"{"a" 1}"#, "[1,]", #""\x""#, #""\ud83d""#, "tru", "{} {}", "\"a\u{01}\"", "1 2", "+1", "[01]", "1."])
    func refusesWhatIsNotOneJSONValue(_ text: String) {
        #expect(JSONParser.parse(Array(text.utf8)) == nil)
    }

    @Test func stringsWithoutEscapesAreCheckedAsUTF8Too() {
        #expect(JSONParser.parse([0x22, 0xFF, 0x22]) == nil)
        #expect(JSONParser.parse([0x22, 0x61, 0xC3, 0x22]) == nil)
        #expect(JSONParser.parse(Array(#"["plain", "تنبيه", "", "a\"b"]"#.utf8)) == .array([.string("plain"), .string("تنبيه"), .string(""), .string("a\"b")]))
    }

    @Test func deepNestingIsRefusedNotRecursedWithoutEnd() {
        #expect(JSONParser.parse(Array((String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)).utf8)) == nil)
        #expect(JSONParser.parse(Array((String(repeating: "[", count: 100) + String(repeating: "]", count: 100)).utf8)) != nil)
    }
}
