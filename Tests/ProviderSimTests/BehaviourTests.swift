import NotifyTestSupport
import Foundation
import ProviderSim
import Testing
import Transport

extension ProviderSimTests {
    @Suite(.timeLimit(.minutes(2)))
    struct BehaviourTests {
        static func sms(_ sim: ProviderSimulator, to: String = "+97336001234", callback: String? = nil) async throws -> Transport.HTTPResponse {
            var body: [String: Any] = ["to": to, "text": "x"]
            if let callback { body["callbackUrl"] = callback }
            return try await sendJSON(sim.baseURL + "/sms/v1/messages", body, headers: GatewayTests.auth(sim))
        }

        @Test func throttlesBeyondMaxPerSecond() async throws {
            try await withSimulator(SimulatorConfiguration(behaviours: ["gateway": ProviderBehaviour(maxPerSecond: 3)])) { sim in
                // All five at once: sent one after another, a loaded machine spread them over more than the second.
                let responses = try await withThrowingTaskGroup(of: Transport.HTTPResponse.self) { group in
                    for _ in 0..<5 { group.addTask { try await Self.sms(sim) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(responses.map(\.status).sorted() == [202, 202, 202, 429, 429])
                let refused = try #require(responses.first { $0.status == 429 })
                #expect(refused.header("Retry-After") == "1")
                #expect((try object(refused)["error"] as? [String: Any])?["code"] as? String == "rate_limited")
                try await Task.sleep(for: .milliseconds(1100))
                #expect(try await Self.sms(sim).status == 202)
                #expect(try sim.counts(provider: "gateway") == ["+97336001234": 4])
            }
        }

        @Test func keepsTheNewestMessagesUpToTheLimitAndCountsThemAll() async throws {
            try await withSimulator(SimulatorConfiguration(messageLimit: 3)) { sim in
                for i in 0..<10 {
                    let response = try await Self.sms(sim, to: "+9733600\(String(format: "%04d", i + 1))")
                    #expect(response.status == 202)
                }
                #expect(try sim.messages(provider: "gateway").map(\.recipient) == ["+97336000008", "+97336000009", "+97336000010"])
                #expect(try sim.counts(provider: "gateway").count == 10)
            }
        }

        @Test func outageFlagAndWindows() async throws {
            try await withSimulator { sim in
                try sim.setBehaviour(ProviderBehaviour(outage: true), for: "gateway")
                let down = try await Self.sms(sim)
                #expect(down.status == 503)
                // Windows of two seconds: a request on a loaded machine can take most of one to arrive.
                try sim.setBehaviour(ProviderBehaviour(outageWindows: [.init(startMs: 0, durationMs: 2000)]), for: "gateway")
                #expect(try await Self.sms(sim).status == 503)
                try await Task.sleep(for: .milliseconds(2100))
                #expect(try await Self.sms(sim).status == 202)
                try sim.setBehaviour(ProviderBehaviour(outageWindows: [.init(startMs: 2000, durationMs: 60_000)]), for: "gateway")
                #expect(try await Self.sms(sim).status == 202)
                try await Task.sleep(for: .milliseconds(2100))
                #expect(try await Self.sms(sim).status == 503)
            }
        }

        @Test func failureRateAnswersEachProvidersKindOf5xx() async throws {
            let failing = Dictionary(uniqueKeysWithValues: ProviderSimulator.providerNames.map { ($0, ProviderBehaviour(failureRate: 1)) })
            try await withSimulator(SimulatorConfiguration(behaviours: failing)) { sim in
                let gateway = try await Self.sms(sim)
                #expect(gateway.status == 500)
                #expect((try object(gateway)["error"] as? [String: Any])?["code"] as? String == "internal_error")

                let twilio = try await TwilioTests.post(sim, [("To", "+97336001234"), ("From", "+1500"), ("Body", "x")])
                #expect(try twilio.status == 500 && (object(twilio)["code"] as? Int) == 20500)

                let fcm = try await FCMTests.push(sim, token: "device-a", accessToken: try await FCMTests.accessToken(sim))
                #expect(try fcm.status == 503 && (FCMTests.fcmErrorCode(fcm)) == "UNAVAILABLE")

                let apns = try await APNsTests.push(sim, jwt: try APNsTests.providerToken(sim))
                #expect(try apns.status == 500 && (APNsTests.reason(apns)) == "InternalServerError")

                let webpush = try await WebPushTests.push(sim, sim.createWebPushSubscription(), text: "x")
                #expect(webpush.status == 500)
                for name in ProviderSimulator.providerNames { #expect(try sim.counts(provider: name).isEmpty) }
            }
        }

        @Test func addsLatency() async throws {
            // Three seconds of latency, so that a loaded machine's own slowness (1.07 s seen in CI) cannot pass for it.
            try await withSimulator(SimulatorConfiguration(behaviours: ["gateway": ProviderBehaviour(latencyMs: 3000)])) { sim in
                let started = ContinuousClock.now
                #expect(try await Self.sms(sim).status == 202)
                #expect(ContinuousClock.now - started >= .milliseconds(3000))
                try sim.setBehaviour(ProviderBehaviour(), for: "gateway")
                let again = ContinuousClock.now
                #expect(try await Self.sms(sim).status == 202)
                #expect(ContinuousClock.now - again < .milliseconds(2500))
            }
        }

        @Test func receiptsCanBeTurnedOffOrFailed() async throws {
            try await WebhookReceiver.withReceiver { receiver in
                let config = SimulatorConfiguration(behaviours: ["gateway": ProviderBehaviour(receipts: false)], receiptDelay: .milliseconds(20))
                try await withSimulator(config) { sim in
                    #expect(try await Self.sms(sim, callback: receiver.baseURL + "/off").status == 202)
                    try sim.setBehaviour(ProviderBehaviour(failedReceiptRate: 1), for: "gateway")
                    #expect(try await Self.sms(sim, callback: receiver.baseURL + "/failed").status == 202)
                    let receipts = try await receiver.waitFor(1)
                    try await Task.sleep(for: .milliseconds(300))
                    #expect(receiver.all.map(\.path) == ["/failed"])
                    let json = try #require(try gatewayReceipts(receipts[0].body).first)
                    #expect(json["status"] as? String == "failed")
                }
            }
        }
    }
}
