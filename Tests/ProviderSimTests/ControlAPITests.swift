import Foundation
import ProviderSim
import Testing
import Transport

extension ProviderSimTests {
    @Suite(.timeLimit(.minutes(2)))
    struct ControlAPITests {
        @Test func drivesTheSimulatorOverHTTP() async throws {
            try await withSimulator { sim in
                let control = sim.baseURL + "/_sim"
                let put = try await sendJSON(control + "/providers/gateway", ["outage": true], method: "PUT")
                #expect(put.status == 200)
                #expect(try await BehaviourTests.sms(sim).status == 503)
                #expect(try await sendJSON(control + "/providers/gateway", [:], method: "PUT").status == 200)
                #expect(try await sendJSON(control + "/providers/sendgrid", ["outage": true], method: "PUT").status == 404)

                #expect(try await BehaviourTests.sms(sim, to: "+97336001111").status == 202)
                let counts = try object(try await send(control + "/counts", method: "GET"))
                #expect((counts["gateway"] as? [String: Int]) == ["+97336001111": 1])
                #expect((counts["apns"] as? [String: Int]) == [:])

                let listed = try await send(control + "/messages?provider=gateway", method: "GET")
                #expect(listed.status == 200)
                let decoder = JSONDecoder()
                decoder.dateDecodingStrategy = .iso8601
                let messages = try decoder.decode([SimulatedMessage].self, from: Data(listed.body))
                #expect(messages.map(\.recipient) == ["+97336001111"])
                #expect(try await send(control + "/messages?provider=nope", method: "GET").status == 404)

                let dead = try await sendJSON(control + "/dead", ["provider": "fcm", "recipient": "device-z"])
                #expect(dead.status == 204)
                let token = try await FCMTests.accessToken(sim)
                #expect(try await FCMTests.push(sim, token: "device-z", accessToken: token).status == 404)

                #expect(try await send(control + "/reset").status == 204)
                #expect(try sim.counts(provider: "gateway").isEmpty)
                #expect(try await FCMTests.push(sim, token: "device-z", accessToken: token).status == 200)
            }
        }
    }
}
