import Foundation
import Logging
import NotifyCore
import ProviderSim
import Testing
import Transport
@testable import NotifyWorkers

/// The SMS adapters against the provider simulator: real HTTP, real wire formats, every error class.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct SMSProviderTests {
    static func message(to: String, key: String = "ntf_1:sms") -> OutboundMessage {
        OutboundMessage(notificationId: "ntf_1", channel: .sms, eventType: "traffic.fine-issued", to: to, body: "مخالفة مرورية 50 BHD",
                        idempotencyKey: key)
    }

    // Timeouts of 30 s: no test here is about them, and under the full suite on two cores four requests of 100 ms each
    // once passed 5 s (the simulator answers on the test process's busy cooperative pool).
    static func gateway(_ sim: ProviderSimulator, transport: CurlTransport, apiKey: String? = nil) -> GatewaySMSAdapter {
        GatewaySMSAdapter(configuration: .init(name: "gw", url: "\(sim.baseURL)/sms/v1/messages", apiKey: apiKey ?? sim.credentials.gateway.apiKey,
                                               timeout: .seconds(30)), transport: transport)
    }

    static func twilio(_ sim: ProviderSimulator, transport: CurlTransport, token: String? = nil) -> TwilioSMSAdapter {
        TwilioSMSAdapter(configuration: .init(name: "tw", baseURL: "\(sim.baseURL)/twilio", accountSid: sim.credentials.twilio.accountSid,
                                              authToken: token ?? sim.credentials.twilio.authToken, from: "+97317000000", timeout: .seconds(30)),
                         transport: transport)
    }

    static func kind(_ body: () async throws -> ProviderAcceptance) async -> ProviderError? {
        do { _ = try await body(); return nil } catch { return error as? ProviderError }
    }

    @Test func gatewaySendsOncePerIdempotencyKeyAndClassifiesErrors() async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        try await ProviderSimulator.withRunning { sim in
            let gw = Self.gateway(sim, transport: transport)
            let first = try await gw.send(Self.message(to: "+97336001234"))
            let again = try await gw.send(Self.message(to: "+97336001234"))
            #expect(first.messageId.hasPrefix("gw-"))
            #expect(again == first)
            #expect(try sim.counts(provider: "gateway") == ["+97336001234": 1])
            #expect(try sim.messages(provider: "gateway").first?.text == "مخالفة مرورية 50 BHD")

            let invalid = await Self.kind { try await gw.send(Self.message(to: "+97336000000", key: "k2")) }
            #expect(invalid?.kind == .permanent)
            #expect(invalid?.countsAgainstProvider == false)

            let badKey = await Self.kind { try await Self.gateway(sim, transport: transport, apiKey: "wrong").send(Self.message(to: "+97336001235", key: "k3")) }
            #expect(badKey?.kind == .transient)

            // No request admitted at all: throttled whatever the machine's speed (two sends a second apart on a loaded
            // machine would each find the one-per-second window free).
            try sim.setBehaviour(ProviderBehaviour(maxPerSecond: 0), for: "gateway")
            let throttled = await Self.kind { try await gw.send(Self.message(to: "+97336001237", key: "k5")) }
            #expect(throttled?.kind == .transient)
            #expect(throttled?.retryAfter == .seconds(1))

            try sim.setBehaviour(ProviderBehaviour(outage: true), for: "gateway")
            let down = await Self.kind { try await gw.send(Self.message(to: "+97336001238", key: "k6")) }
            #expect(down?.kind == .transient)
            #expect(down?.countsAgainstProvider == true)
        }
        // Nothing listening at all: transient too.
        let gone = GatewaySMSAdapter(configuration: .init(name: "gw", url: "http://127.0.0.1:1/sms/v1/messages", apiKey: "k", timeout: .seconds(2)),
                                     transport: transport)
        #expect(await Self.kind { try await gone.send(Self.message(to: "+97336001234")) }?.kind == .transient)
    }

    /// Sends made together go as batch requests; each message keeps its own id, refusal and idempotency key.
    @Test func gatewayBatchesConcurrentSendsEachWithItsOwnOutcome() async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        try await ProviderSimulator.withRunning { sim in
            // Each request takes 100 ms, so sends started together find the request slots taken and wait for the next batch.
            try sim.setBehaviour(ProviderBehaviour(latencyMs: 100), for: "gateway")
            let gw = GatewaySMSAdapter(configuration: .init(name: "gw", url: "\(sim.baseURL)/sms/v1/messages", apiKey: sim.credentials.gateway.apiKey,
                                                            timeout: .seconds(30), batchSize: 25), transport: transport)
            let numbers = (0..<60).map { i in i == 7 ? "+97336000000" : "+973360\(String(format: "%05d", 10_001 + i))" }
            @Sendable func sendAll() async -> [String: String] {
                await withTaskGroup(of: (String, String).self) { group in
                    for (i, number) in numbers.enumerated() {
                        group.addTask {
                            let outcome = await Self.kind { try await gw.send(Self.message(to: number, key: "ntf_\(i):sms")) }
                            return (number, outcome.map { "\($0.kind)" } ?? "sent")
                        }
                    }
                    var all: [String: String] = [:]
                    for await (number, what) in group { all[number] = what }
                    return all
                }
            }
            let first = await sendAll()
            #expect(first["+97336000000"] == "permanent")
            #expect(first.values.filter { $0 == "sent" }.count == 59)
            let batches = sim.gatewayBatches
            #expect(batches.requests >= 2 && batches.messages >= 40, "\(batches)")
            #expect(batches.requests <= 60 / 4, "at most four requests in flight, the rest in batches: \(batches)")
            var counts = try sim.counts(provider: "gateway")
            #expect(counts.count == 59 && counts.values.allSatisfy { $0 == 1 })
            let ids = try sim.messages(provider: "gateway").map(\.messageId)
            #expect(Set(ids).count == 59)

            // The same sends again, as after a worker was killed mid-batch: the keys make them the messages already sent.
            let again = await sendAll()
            #expect(again == first)
            counts = try sim.counts(provider: "gateway")
            #expect(counts.count == 59 && counts.values.allSatisfy { $0 == 1 })

            // A refusal of the whole request is every message's.
            try sim.setBehaviour(ProviderBehaviour(latencyMs: 100, outage: true), for: "gateway")
            #expect(Set((await sendAll()).values) == ["transient"])
            try sim.setBehaviour(ProviderBehaviour(latencyMs: 100, maxPerSecond: 0), for: "gateway")
            let throttled = await withTaskGroup(of: ProviderError?.self) { group in
                for i in 0..<10 { group.addTask { await Self.kind { try await gw.send(Self.message(to: "+97336020001", key: "t\(i)")) } } }
                var all: [ProviderError?] = []
                for await e in group { all.append(e) }
                return all
            }
            #expect(throttled.allSatisfy { $0?.kind == .transient && $0?.retryAfter == .seconds(1) }, "\(throttled.map { $0.map { "\($0)" } ?? "sent" })")
        }
    }

    @Test func twilioSendsFormEncodedWithBasicAuthAndClassifiesErrors() async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        try await ProviderSimulator.withRunning { sim in
            let tw = Self.twilio(sim, transport: transport)
            let sent = try await tw.send(Self.message(to: "+97336001234"))
            #expect(sent.messageId.hasPrefix("SM"))
            #expect(try sim.counts(provider: "twilio") == ["+97336001234": 1])
            #expect(try sim.messages(provider: "twilio").first?.text == "مخالفة مرورية 50 BHD")

            let invalid = await Self.kind { try await tw.send(Self.message(to: "+97336000000")) }
            #expect(invalid?.kind == .permanent)
            #expect(invalid?.detail.contains("21211") == true)

            let wrong = await Self.kind { try await Self.twilio(sim, transport: transport, token: "0000").send(Self.message(to: "+97336001234")) }
            #expect(wrong?.kind == .transient)

            try sim.setBehaviour(ProviderBehaviour(outage: true), for: "twilio")
            #expect(await Self.kind { try await tw.send(Self.message(to: "+97336001239")) }?.kind == .transient)
        }
    }
}
