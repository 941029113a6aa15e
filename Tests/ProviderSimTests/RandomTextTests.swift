import Testing
@testable import ProviderSim

@Suite struct RandomTextTests {
    @Test func hexHasTheLengthAskedAndOnlyLowercaseDigits() {
        for count in [1, 15, 16, 17, 40] {
            let text = RandomText.hex(count)
            #expect(text.count == count)
            #expect(text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        }
        #expect(RandomText.hex(32) != RandomText.hex(32))
    }

    @Test func bytesAreRandomAcrossWordBoundaries() {
        for count in [0, 1, 7, 8, 9, 33] { #expect(RandomText.bytes(count).count == count) }
        // Every byte of a word is used, not only the first: 64 draws of 9 bytes never leave byte 7 or 8 constant.
        let draws = (0..<64).map { _ in RandomText.bytes(9) }
        #expect(Set(draws.map { $0[7] }).count > 1)
        #expect(Set(draws.map { $0[8] }).count > 1)
    }

    @Test func hexOfBytesIsTwoDigitsEach() {
        #expect(RandomText.hex(of: [0x00, 0x0F, 0xAB, 0xFF]) == "000fabff")
        #expect(RandomText.hex(of: []) == "")
        #expect(RandomText.token(bytes: 32).count == 43)
    }
}
