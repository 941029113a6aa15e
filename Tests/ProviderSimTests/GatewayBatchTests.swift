import NotifyTestSupport
import Foundation
import ProviderSim
import Testing
import Transport

extension ProviderSimTests {
    /// `POST /sms/v1/messages/batch`: each message admitted, refused and deduplicated as if sent alone.
    @Suite(.timeLimit(.minutes(2)))
    struct GatewayBatchTests {
        static func results(_ response: Transport.HTTPResponse) throws -> [[String: Any]] {
            try #require(try object(response)["results"] as? [[String: Any]], "no results: \(response.bodyString)")
        }

        @Test func answersEachMessageInOrderAndDeduplicatesByItsKey() async throws {
            try await withSimulator { sim in
                let url = sim.baseURL + "/sms/v1/messages/batch"
                let messages: [Any] = [
                    ["to": "+97336001234", "text": "one", "reference": "ntf_1", "idempotencyKey": "k1"],
                    ["to": "+97336000000", "text": "bad number", "idempotencyKey": "k2"],
                    ["to": "+97336001235", "idempotencyKey": "k3"],
                    ["to": "+97336001234", "text": "one again", "idempotencyKey": "k1"],
                    "not an object",
                    ["to": "+97336001236", "text": "three", "idempotencyKey": "k4"],
                ]
                let response = try await sendJSON(url, ["messages": messages], headers: GatewayTests.auth(sim))
                #expect(response.status == 200)
                let results = try Self.results(response)
                try #require(results.count == 6)
                let first = try #require(results[0]["id"] as? String)
                #expect(first.hasPrefix("gw-") && results[0]["status"] as? String == "accepted")
                #expect((results[1]["error"] as? [String: Any])?["code"] as? String == "invalid_number")
                #expect((results[2]["error"] as? [String: Any])?["code"] as? String == "invalid_request")
                #expect(results[3]["id"] as? String == first, "the same key is the same message")
                #expect(results[4]["status"] as? String == "rejected")
                #expect((results[5]["id"] as? String)?.hasPrefix("gw-") == true && results[5]["id"] as? String != first)
                #expect(try sim.counts(provider: "gateway") == ["+97336001234": 1, "+97336001236": 1])
                #expect(try sim.messages(provider: "gateway").map(\.idempotencyKey) == ["k1", "k4"])
                #expect(sim.gatewayBatches == (1, 6))
            }
        }

        @Test func throttlesEachMessageAndRefusesWholeRequestsThatCannotBeServed() async throws {
            try await withSimulator { sim in
                let url = sim.baseURL + "/sms/v1/messages/batch"
                let two: [Any] = [["to": "+97336001234", "text": "a", "idempotencyKey": "a"], ["to": "+97336001235", "text": "b", "idempotencyKey": "b"]]
                try sim.setBehaviour(ProviderBehaviour(maxPerSecond: 1), for: "gateway")
                let throttled = try Self.results(try await sendJSON(url, ["messages": two], headers: GatewayTests.auth(sim)))
                #expect(throttled.first?["status"] as? String == "accepted")
                #expect((throttled.last?["error"] as? [String: Any])?["code"] as? String == "rate_limited")
                #expect(throttled.last?["retryAfter"] as? Int == 1)

                try sim.setBehaviour(ProviderBehaviour(outage: true), for: "gateway")
                #expect(try await sendJSON(url, ["messages": two], headers: GatewayTests.auth(sim)).status == 503)
                try sim.setBehaviour(ProviderBehaviour(), for: "gateway")
                #expect(try await sendJSON(url, ["messages": two], headers: [("Authorization", "Bearer wrong")]).status == 401)
                #expect(try await sendJSON(url, ["messages": []], headers: GatewayTests.auth(sim)).status == 400)
                let tooMany = (0...1000).map { i in ["to": "+97336001234", "text": "x", "idempotencyKey": "m\(i)"] }
                #expect(try await sendJSON(url, ["messages": tooMany], headers: GatewayTests.auth(sim)).status == 400)
                #expect(try await sendJSON(url, ["message": two], headers: GatewayTests.auth(sim)).status == 400)
                #expect(try sim.counts(provider: "gateway") == ["+97336001234": 1], "only the one admitted before the outage")
                #expect(sim.gatewayBatches == (1, 2))
            }
        }
    }
}
