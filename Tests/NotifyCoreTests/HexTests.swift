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
}
