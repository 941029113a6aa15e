import Foundation
import Testing
@testable import ProviderSim

/// A gateway message's id, drawn without a system call, and its receipt, written without a JSON object.
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

    @Test func messageIDsAreVersion4UUIDsThatDoNotRepeat() {
        var seen = Set<String>()
        for _ in 0..<200_000 {
            let uuid = MessageIDs.next()
            let bytes = uuid.uuid
            #expect(bytes.6 >> 4 == 4)
            #expect(bytes.8 >> 6 == 0b10)
            seen.insert(uuid.uuidString)
        }
        #expect(seen.count == 200_000)
    }
}
