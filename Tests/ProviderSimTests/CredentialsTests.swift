import Foundation
import NotifyTestSupport
import ProviderSim
import Testing
import Transport

extension ProviderSimTests {
    @Suite(.timeLimit(.minutes(2)))
    struct CredentialsTests {
        @Test func generatesCredentialsInProviderShapes() async throws {
            let directory = try Loopback.temporaryDirectory("nm-sim-creds").path
            try await withSimulator(SimulatorConfiguration(credentialsDirectory: directory)) { sim in
                let credentials = sim.credentials
                #expect(credentials.twilio.accountSid.count == 34 && credentials.twilio.accountSid.hasPrefix("AC"))
                #expect(credentials.twilio.authToken.count == 32 && credentials.twilio.authToken.allSatisfy(\.isHexDigit))
                let ids = [credentials.apns.teamId, credentials.apns.keyId]
                #expect(ids.allSatisfy { $0.count == 10 && $0.allSatisfy { $0.isUppercase || $0.isNumber } })
                #expect(credentials.apns.topic == "bh.gov.notifyme")
                #expect(credentials.apns.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))

                let json = try #require(try JSONSerialization.jsonObject(with: Data(credentials.fcmServiceAccountJSON.utf8)) as? [String: Any])
                #expect(json["type"] as? String == "service_account")
                #expect(json["project_id"] as? String == "notifyme-sim")
                #expect((json["private_key"] as? String)?.hasPrefix("-----BEGIN PRIVATE KEY-----") == true)
                #expect(json["token_uri"] as? String == sim.baseURL + "/fcm/token")

                let files = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
                #expect(files == ["apns-key.p8", "fcm-service-account.json", "simulator.json"])
                let written = try String(contentsOfFile: directory + "/fcm-service-account.json", encoding: .utf8)
                #expect(try FCMServiceAccount(json: written).tokenURI == sim.baseURL + "/fcm/token")
            }
        }

        @Test func reloadsCredentialsAndRewritesTheTokenURI() async throws {
            let directory = try Loopback.temporaryDirectory("nm-sim-creds").path
            let first = try await withSimulator(SimulatorConfiguration(credentialsDirectory: directory)) { $0.credentials }
            try await withSimulator(SimulatorConfiguration(credentialsDirectory: directory)) { sim in
                let second = sim.credentials
                #expect(second.gateway == first.gateway)
                #expect(second.twilio == first.twilio)
                #expect(second.apns == first.apns)
                #expect(second.fcm.privateKeyPEM == first.fcm.privateKeyPEM)
                #expect(second.fcm.tokenURI == sim.baseURL + "/fcm/token")
                #expect(second.fcm.tokenURI != first.fcm.tokenURI)
                let written = try String(contentsOfFile: directory + "/fcm-service-account.json", encoding: .utf8)
                #expect(try FCMServiceAccount(json: written).tokenURI == sim.baseURL + "/fcm/token")
                // The reloaded keys still work end to end.
                #expect(try await FCMTests.accessToken(sim).hasPrefix("ya29.sim-"))
            }
        }

        /// A simulator on another configured port points the file at it as soon as it is made, before it listens: a
        /// client that reads the file first must not ask the previous port for tokens.
        @Test func aNewPortIsInTheFileBeforeTheSimulatorListens() async throws {
            let directory = try Loopback.temporaryDirectory("nm-sim-creds").path
            _ = try ProviderSimulator(configuration: SimulatorConfiguration(host: "127.0.0.1", port: 41001, credentialsDirectory: directory))
            _ = try ProviderSimulator(configuration: SimulatorConfiguration(host: "127.0.0.1", port: 41002, credentialsDirectory: directory))
            let written = try String(contentsOfFile: directory + "/fcm-service-account.json", encoding: .utf8)
            #expect(try FCMServiceAccount(json: written).tokenURI == "http://127.0.0.1:41002/fcm/token")
        }
    }
}
