import Testing
@testable import NotifyWorkers

/// The gateway's answer to a batch is read member by member, as `Decodable` read it: null is absent, other members are
/// ignored, a known member of the wrong type makes the answer unreadable (and every message's outcome unknown).
struct GatewayBatchAnswerTests {
    typealias Answer = GatewaySMSAdapter.BatchAnswer

    @Test func readsEachMessagesResult() {
        let text = #"{"results":[{"id":"gw-1","status":"accepted","extra":[1,{"a":null}]},"#
            + #"{"status":"rejected","error":{"code":"rate_limited","message":"Too many requests."},"retryAfter":1},"#
            + #"{"status":"rejected","error":{"message":"no code"}},{"id":null,"status":"accepted","error":null,"retryAfter":null}],"batch":"b1"}"#
        #expect(Answer.parse(Array(text.utf8)) == Answer(results: [
            .init(id: "gw-1", status: "accepted"),
            .init(status: "rejected", refused: true, code: "rate_limited", retryAfter: 1),
            .init(status: "rejected", refused: true),
            .init(status: "accepted"),
        ]))
    }

    @Test(arguments: [
        #"{"results":[{"id":1}]}"#, #"{"results":[{"status":["accepted"]}]}"#, #"{"results":[{"error":{"code":5}}]}"#,
        #"{"results":[{"error":"rate_limited"}]}"#, #"{"results":[{"retryAfter":"1"}]}"#, #"{"results":{}}"#, #"{"results":null}"#, #"{}"#,
        #"{"results":[]} {}"#, #"{"results":[{"id":"gw-1"},]}"#, "accepted",
    ])
    func refusesWhatIsNotAnAnswer(_ text: String) {
        #expect(Answer.parse(Array(text.utf8)) == nil)
    }
}
