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

    static func gateway(_ sim: ProviderSimulator, transport: CurlTransport, apiKey: String? = nil) -> GatewaySMSAdapter {
        GatewaySMSAdapter(configuration: .init(name: "gw", url: "\(sim.baseURL)/sms/v1/messages", apiKey: apiKey ?? sim.credentials.gateway.apiKey,
                                               timeout: .seconds(5)), transport: transport)
    }

    static func twilio(_ sim: ProviderSimulator, transport: CurlTransport, token: String? = nil) -> TwilioSMSAdapter {
        TwilioSMSAdapter(configuration: .init(name: "tw", baseURL: "\(sim.baseURL)/twilio", accountSid: sim.credentials.twilio.accountSid,
                                              authToken: token ?? sim.credentials.twilio.authToken, from: "+97317000000", timeout: .seconds(5)),
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
