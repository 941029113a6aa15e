@testable import NotifyAPI
import Testing

/// A gateway's receipts are read member by member: the same bodies are read, and refused, as `Decodable` read them.
struct GatewayBodyTests {
    typealias Item = GatewayBody.Item

    @Test func readsOneReceiptOrABatch() {
        #expect(GatewayBody.parse(Array(#"{"id":"gw-1","status":"delivered","error":null,"at":"2026-12-08T01:00:00Z"}"#.utf8))
            == .single(Item(id: "gw-1", status: "delivered", error: nil, reference: nil)))
        let batch = #"{"receipts":[{"id":"gw-1","status":"failed","error":30003,"reference":"ntf_1"},{"id":"gw-2","status":"failed","error":"x\u00e9"},"#
            + #"{"id":"gw-3","status":"failed","error":1.5,"reference":7},{"status":"delivered","id":"gw-4","extra":{"a":[1,null]}}],"id":5}"#
        #expect(GatewayBody.parse(Array(batch.utf8)) == .batch([
            Item(id: "gw-1", status: "failed", error: "30003", reference: "ntf_1"),
            Item(id: "gw-2", status: "failed", error: "xé", reference: nil),
            // A reference that is not a string names nothing.
            Item(id: "gw-3", status: "failed", error: "1.5", reference: nil),
            Item(id: "gw-4", status: "delivered", error: nil, reference: nil),
        ]))
        #expect(GatewayBody.parse(Array(#"{"receipts":[]}"#.utf8)) == .batch([]))
    }

    @Test(arguments: [
        #"{"id":"gw-1"}"#, #"{"id":1,"status":"delivered"}"#, #"{"id":"gw-1","status":null}"#, #"{"id":"gw-1","status":"failed","error":[]}"#,
        #"{"id":"gw-1","status":"failed","error":{"code":1}}"#, #"{"id":"gw-1","status":"failed","error":true}"#, #"{"id":"gw-1","status":"failed","error":+1}"#, #"{"receipts":null}"#,
        #"{"receipts":{"id":"gw-1","status":"delivered"}}"#, #"{"receipts":[{"id":"gw-1","status":"delivered"},{"id":"gw-2"}]}"#,
        #"{"receipts":[{"id":"gw-1","status":"delivered"}]} x"#, #"[{"id":"gw-1","status":"delivered"}]"#, #"{"id":"gw-1","status":"delivered","#, "",
    ])
    func refusesWhatIsNotReceipts(_ text: String) {
        #expect(GatewayBody.parse(Array(text.utf8)) == nil)
    }
}
