import NotifyCore
import Testing

struct JSONScannerTests {
    /// Reads `text`'s members: each string member by name, every other member skipped (and so checked).
    static func strings(_ text: String) -> [String: String]? {
        var scanner = JSONScanner(Array(text.utf8))
        var found: [String: String] = [:]
        let read = scanner.object { s, key in
            guard s.peek() == .string else { return s.skip() }
            found[key] = s.string()
            return found[key] != nil
        }
        return read && scanner.atEnd() ? found : nil
    }

    @Test func takesTheMembersItWantsAndChecksTheRest() {
        let text = #" {"a": [1, -2.5e3, {"b": "x\"y"}, [], {}], "c": "\u00e9\ud83d\udea8 تنبيه", "d": null, "e": true, "f": "a\/b\n"} "#
        #expect(Self.strings(text) == ["c": "é🚨 تنبيه", "f": "a/b\n"])
        var scanner = JSONScanner(Array(#"[false, null, 7, "s"]"#.utf8))
        var seen: [String] = []
        let read = scanner.array { s in
            switch s.peek() {
            case .bool?: seen.append("\(s.bool() ?? true)")
            case .null?: seen.append(s.null() ? "null" : "?")
            case .number?: seen.append(s.number() ?? "?")
            default: seen.append(s.string() ?? "?")
            }
            return true
        }
        let ended = scanner.atEnd()
        #expect(read && ended)
        #expect(seen == ["false", "null", "7", "s"])
    }

    @Test(arguments: ["", "{", #"{"a":}"#, #"{"a" 1}"#, #"{"a":1,}"#, #"{"a":[1,]}"#, #"{"a":"\x"}"#, #"{"a":"\ud83d"}"#,
                      #"{"a":tru}"#, #"{} {}"#, "{\"a\":\"b\u{01}\"}", #"{"a":1 2}"#, #"{"a":-}"#, #"{"a":1e999}"#, #"[]"#, #"{1:2}"#,
                      #"{"a":+1}"#, #"{"a":01}"#, #"{"a":.5}"#, #"{"a":1.}"#, #"{"a":1e}"#, #"{"a":1 .5}"#, #"{"a":--1}"#])
    func refusesWhatIsNotOneJSONObject(_ text: String) {
        #expect(Self.strings(text) == nil)
    }

    @Test func numbersAreReadAsJSONWritesThem() {
        var scanner = JSONScanner(Array(#"[0, -0.5e+3, 10, 2E-2, 7e5]"#.utf8))
        var read: [String] = []
        let walked = scanner.array { s in
            guard let text = s.number() else { return false }
            read.append(text)
            return true
        }
        #expect(walked)
        #expect(read == ["0", "-0.5e+3", "10", "2E-2", "7e5"])
    }

    @Test func stringsAreCheckedAsUTF8() {
        var bad = JSONScanner([0x22, 0xFF, 0x22])
        var cut = JSONScanner([0x22, 0x61, 0xC3, 0x22])
        var good = JSONScanner(Array(#""تنبيه""#.utf8))
        let read = [bad.string(), cut.string(), good.string()]
        #expect(read == [nil, nil, "تنبيه"])
    }

    @Test func deepNestingIsRefusedNotRecursedWithoutEnd() {
        var deep = JSONScanner(Array((String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)).utf8))
        var fine = JSONScanner(Array((String(repeating: "[", count: 100) + String(repeating: "]", count: 100)).utf8))
        let read = (deep: deep.skip(), fine: fine.skip(), ended: fine.atEnd())
        #expect(!read.deep && read.fine && read.ended)
    }
}
