import NotifyTestSupport
import Crypto
import Foundation
import ProviderSim
import Testing
import Transport

extension ProviderSimTests {
    @Suite(.timeLimit(.minutes(2)))
    struct GatewayTests {
        static func auth(_ sim: ProviderSimulator) -> [(String, String)] {
            [("Authorization", "Bearer \(sim.credentials.gateway.apiKey)")]
        }

        @Test func acceptsOncePerIdempotencyKey() async throws {
            try await withSimulator { sim in
                let url = sim.baseURL + "/sms/v1/messages"
                let message: [String: Any] = ["to": "+97336001234", "from": "NotifyMe", "text": "Your code is 1234", "reference": "ntf_1"]
                let headers = Self.auth(sim) + [("Idempotency-Key", "key-1")]
                let first = try await sendJSON(url, message, headers: headers)
                #expect(first.status == 202)
                let id = try #require(try object(first)["id"] as? String)
                #expect(id.hasPrefix("gw-"))
                #expect(try object(first)["status"] as? String == "accepted")

                let again = try await sendJSON(url, message, headers: headers)
                #expect(again.status == 200)
                #expect(try object(again)["id"] as? String == id)

                let other = try await sendJSON(url, message, headers: Self.auth(sim) + [("Idempotency-Key", "key-2")])
                #expect(other.status == 202)
                #expect(try object(other)["id"] as? String != id)

                #expect(try sim.counts(provider: "gateway") == ["+97336001234": 2])
                let stored = try sim.messages(provider: "gateway")
                #expect(stored.map(\.text) == ["Your code is 1234", "Your code is 1234"])
                #expect(stored.map(\.idempotencyKey) == ["key-1", "key-2"])
                #expect(stored.first?.messageId == id)
            }
        }

        @Test func refusesBadRequests() async throws {
            try await withSimulator { sim in
                let url = sim.baseURL + "/sms/v1/messages"
                let unauthorized = try await sendJSON(url, ["to": "+97336001234", "text": "x"], headers: [("Authorization", "Bearer wrong")])
                #expect(unauthorized.status == 401)
                #expect((try object(unauthorized)["error"] as? [String: Any])?["code"] as? String == "unauthorized")

                for number in ["+97336000000", "36001234", "+0123456789"] {
                    let response = try await sendJSON(url, ["to": number, "text": "x"], headers: Self.auth(sim))
                    #expect(response.status == 400, "\(number)")
                    #expect((try object(response)["error"] as? [String: Any])?["code"] as? String == "invalid_number")
                }
                let missing = try await sendJSON(url, ["to": "+97336001234"], headers: Self.auth(sim))
                #expect(missing.status == 400)
                #expect((try object(missing)["error"] as? [String: Any])?["code"] as? String == "invalid_request")
                #expect(try sim.counts(provider: "gateway").isEmpty)
            }
        }

        /// A batch's messages are read one by one: each is accepted or refused on its own, and a body that is not a batch
        /// is refused whole.
        @Test func readsEachMessageOfABatchOnItsOwn() async throws {
            try await withSimulator { sim in
                let url = sim.baseURL + "/sms/v1/messages/batch"
                let headers = Self.auth(sim) + [("Content-Type", "application/json")]
                let body = #"{"messages":[{"to":"+97336001234","text":"a\u00e9","idempotencyKey":"k1","extra":{"n":[1,null]}},5,"#
                    + #"{"to":36001234,"text":"b"},{"to":"+97336001235","text":"c","idempotencyKey":"k1"},{"text":"d","to":"+97336001236"}],"v":1}"#
                let response = try await send(url, headers: headers, body: Array(body.utf8))
                #expect(response.status == 200)
                let results = try #require(try object(response)["results"] as? [[String: Any]])
                #expect(results.map { $0["status"] as? String } == ["accepted", "rejected", "rejected", "accepted", "accepted"])
                #expect(results.map { ($0["error"] as? [String: Any])?["code"] as? String } == [nil, "invalid_request", "invalid_request", nil, nil])
                // The same idempotency key is the message already accepted.
                #expect(results[3]["id"] as? String == results[0]["id"] as? String)
                #expect(try sim.counts(provider: "gateway") == ["+97336001234": 1, "+97336001236": 1])
                #expect(try sim.messages(provider: "gateway").map(\.text) == ["aé", "d"])

                for bad in [#"{"messages":{}}"#, #"{"message":[]}"#, #"{"messages":[]}"#, #"{"messages":[{"to":"+97336001234","text":"a"}]} x"#, "[]"] {
                    #expect(try await send(url, headers: headers, body: Array(bad.utf8)).status == 400, "\(bad)")
                }
                #expect(try sim.counts(provider: "gateway").values.reduce(0, +) == 2)
            }
        }

        @Test func postsSignedReceipts() async throws {
            try await WebhookReceiver.withReceiver { receiver in
                try await withSimulator(SimulatorConfiguration(receiptDelay: .milliseconds(50))) { sim in
                    try sim.markDead(provider: "gateway", recipient: "+97336009999")
                    let url = sim.baseURL + "/sms/v1/messages"
                    let callback = receiver.baseURL + "/v1/receipts/gateway"
                    let ok = try await sendJSON(url, ["to": "+97336001234", "text": "a", "reference": "ntf_ok", "callbackUrl": callback], headers: Self.auth(sim))
                    let dead = try await sendJSON(url, ["to": "+97336009999", "text": "b", "reference": "ntf_dead", "callbackUrl": callback], headers: Self.auth(sim))
                    #expect(ok.status == 202 && dead.status == 202)

                    let posts = try await waitForGatewayReceipts(receiver, 2)
                    let secret = sim.credentials.gateway.webhookSecret
                    var byReference: [String: [String: Any]] = [:]
                    for post in posts {
                        #expect(post.path == "/v1/receipts/gateway")
                        #expect(try Self.signatureIsValid(post.headers["x-gateway-signature"], body: post.body, secret: secret))
                        for json in try gatewayReceipts(post.body) { byReference[json["reference"] as? String ?? ""] = json }
                    }
                    try #require(byReference.count == 2)
                    #expect(byReference["ntf_ok"]?["status"] as? String == "delivered")
                    #expect(byReference["ntf_ok"]?["id"] as? String == (try object(ok)["id"] as? String))
                    #expect(byReference["ntf_ok"]?["error"] is NSNull)
                    #expect(byReference["ntf_dead"]?["status"] as? String == "failed")
                    #expect(byReference["ntf_dead"]?["error"] as? String != nil)
                    #expect((byReference["ntf_ok"]?["at"] as? String).flatMap { try? Date($0, strategy: .iso8601) } != nil)
                }
            }
        }

        @Test func retriesAReceiptTheReceiverRefused() async throws {
            try await WebhookReceiver.withReceiver { receiver in
                receiver.failuresLeft.withLock { $0 = 1 }
                try await withSimulator(SimulatorConfiguration(receiptDelay: .milliseconds(20))) { sim in
                    let response = try await sendJSON(
                        sim.baseURL + "/sms/v1/messages",
                        ["to": "+97336001234", "text": "a", "callbackUrl": receiver.baseURL + "/r"], headers: Self.auth(sim)
                    )
                    #expect(response.status == 202)
                    let receipts = try await receiver.waitFor(1)
                    #expect(receipts.count == 1)
                    #expect(receiver.failuresLeft.withLock { $0 } == 0)
                }
            }
        }

        /// A busy gateway reports in batches: receipts falling due together go in one signed post, each exactly once.
        @Test func batchesReceiptsThatFallDueTogether() async throws {
            try await WebhookReceiver.withReceiver { receiver in
                try await withSimulator(SimulatorConfiguration(receiptDelay: .milliseconds(300), gatewayReceiptBatch: 10)) { sim in
                    let url = sim.baseURL + "/sms/v1/messages"
                    let callback = receiver.baseURL + "/v1/receipts/gateway"
                    var ids: [String] = []
                    for i in 0..<25 {
                        let response = try await sendJSON(url, ["to": "+973360012\(10 + i)", "text": "t", "callbackUrl": callback], headers: Self.auth(sim))
                        ids.append(try #require(try object(response)["id"] as? String))
                    }
                    let posts = try await waitForGatewayReceipts(receiver, 25)
                    let batches = try posts.map { try gatewayReceipts($0.body) }
                    #expect(batches.allSatisfy { $0.count <= 10 })
                    #expect(posts.count < 25, "receipts falling due together share a post")
                    #expect(posts.allSatisfy { String(decoding: $0.body, as: UTF8.self).hasPrefix(#"{"receipts":["#) })
                    let secret = sim.credentials.gateway.webhookSecret
                    for post in posts { #expect(try Self.signatureIsValid(post.headers["x-gateway-signature"], body: post.body, secret: secret)) }
                    #expect(batches.flatMap { $0.compactMap { $0["id"] as? String } }.sorted() == ids.sorted())
                }
            }
        }

        /// A batch of 1 keeps the bare form, one receipt per post.
        @Test func postsEachReceiptAloneWhenBatchesAreOff() async throws {
            try await WebhookReceiver.withReceiver { receiver in
                try await withSimulator(SimulatorConfiguration(receiptDelay: .milliseconds(20), gatewayReceiptBatch: 1)) { sim in
                    let url = sim.baseURL + "/sms/v1/messages"
                    for i in 0..<3 {
                        let response = try await sendJSON(url, ["to": "+973360012\(10 + i)", "text": "t", "callbackUrl": receiver.baseURL + "/r"],
                                                          headers: Self.auth(sim))
                        #expect(response.status == 202)
                    }
                    let posts = try await receiver.waitFor(3)
                    #expect(posts.count == 3)
                    for post in posts {
                        let json = try #require(try JSONSerialization.jsonObject(with: Data(post.body)) as? [String: Any])
                        #expect(json["receipts"] == nil && json["status"] as? String == "delivered")
                    }
                }
            }
        }

        /// Checks `t=<unix>,v1=<hex HMAC-SHA256(secret, "t.body")>` as a receiver would.
        static func signatureIsValid(_ header: String?, body: [UInt8], secret: String) throws -> Bool {
            let header = try #require(header)
            var parts: [String: String] = [:]
            for item in header.split(separator: ",") {
                let pair = item.split(separator: "=", maxSplits: 1).map(String.init)
                if pair.count == 2 { parts[pair[0]] = pair[1] }
            }
            let t = try #require(parts["t"].flatMap(Int.init))
            #expect(abs(t - Int(Date().timeIntervalSince1970)) < 60)
            let mac = HMAC<SHA256>.authenticationCode(for: Array("\(t).".utf8) + body, using: SymmetricKey(data: Array(secret.utf8)))
            let hex = mac.map { String(format: "%02x", $0) }.joined()
            return parts["v1"] == hex
        }
    }
}
