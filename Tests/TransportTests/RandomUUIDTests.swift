import Foundation
import Testing
import Transport

struct RandomUUIDTests {
    /// Version 4, RFC 4122 variant, and no repeats: what `UUID()` gives, without its file reads.
    @Test func randomUUIDsAreVersion4AndDistinct() {
        let ids = (0..<2000).map { _ in UUID.random() }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            let text = id.uuidString
            let version = text[text.index(text.startIndex, offsetBy: 14)]
            let variant = text[text.index(text.startIndex, offsetBy: 19)]
            #expect(version == "4" && "89AB".contains(variant), "\(text)")
        }
        // Every other bit varies: OR-ing them all gives all ones outside the fixed bits.
        var seen = [UInt8](repeating: 0, count: 16)
        for id in ids { withUnsafeBytes(of: id.uuid) { for (i, b) in $0.enumerated() { seen[i] |= b } } }
        #expect(seen.enumerated().allSatisfy { i, b in i == 6 ? b == 0x4F : i == 8 ? b == 0xBF : b == 0xFF }, "\(seen)")
    }
}
