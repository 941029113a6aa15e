import NotifyCore
import Testing

struct HexTests {
    @Test func encodesEveryByteAsTwoLowerCaseDigits() {
        #expect(Hex.encode([UInt8]()) == "")
        #expect(Hex.encode([0x00, 0x0f, 0x10, 0xa5, 0xff]) == "000f10a5ff")
        let all = Hex.encode((0...255).map { UInt8($0) })
        #expect(all.count == 512)
        #expect(all.hasPrefix("000102") && all.hasSuffix("fdfeff"))
        #expect(all == (0...255).map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined())
    }

    @Test func aPrefixGoesFirstAndAnySequenceEncodes() {
        #expect(Hex.encode([0xab, 0x01], prefix: "ntf_") == "ntf_ab01")
        #expect(Hex.encode([UInt8](), prefix: "t=1,v1=") == "t=1,v1=")
        // Not contiguous: encoded through an array.
        #expect(Hex.encode((0..<3).lazy.map { UInt8($0 * 0x11) }, prefix: "x") == "x001122")
        #expect([UInt8]([0xfe, 0xed]).withUnsafeBytes { Hex.encode($0) } == "feed")
    }
}
