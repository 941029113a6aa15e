import Foundation
import Testing
@testable import ProviderSim

/// A gateway message's id and receipt, written without Foundation's UUID or a JSON object each.
struct GatewayReceiptBodyTests {
    @Test(arguments: [
        ("gw-1", "ntf_1", nil, "delivered"),
        ("gw-2", nil, "unknown_subscriber", "failed"),
        ("gw-\"3\"", "ref\\with\nescapes/and ✓ تنبيه", "delivery_failed", "failed"),
    ] as [(String, String?, String?, String)])
    func theReceiptIsTheBytesItsJSONObjectWrites(_ id: String, _ reference: String?, _ error: String?, _ status: String) {
        let at = "2026-12-07T15:00:00Z"
        let object: JSON = ["id": .string(id), "reference": .optional(reference), "status": .string(status), "error": .optional(error), "at": .string(at)]
        #expect(GatewayRoutes.receiptBody(id: id, reference: reference, status: status, error: error, at: at) == object.bytes)
    }

    @Test func messageIDsAreVersion4UUIDsThatDoNotRepeat() throws {
        var seen = Set<String>()
        for _ in 0..<200_000 {
            let id = MessageIDs.next()
            let uuid = try #require(UUID(uuidString: id))
            #expect(uuid.uuidString.lowercased() == id)
            let bytes = uuid.uuid
            #expect(bytes.6 >> 4 == 4)
            #expect(bytes.8 >> 6 == 0b10)
            seen.insert(id)
        }
        #expect(seen.count == 200_000)
    }

    @Test func theHexDigitsAreTheWordsInOrder() {
        #expect(MessageIDs.format(0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210) == "01234567-89ab-cdef-fedc-ba9876543210")
    }
}
