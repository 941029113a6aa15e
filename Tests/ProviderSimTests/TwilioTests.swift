import NotifyTestSupport
import Crypto
import Foundation
import ProviderSim
import Testing
import Transport

extension ProviderSimTests {
    @Suite(.timeLimit(.minutes(2)))
    struct TwilioTests {
        static func url(_ sim: ProviderSimulator) -> String {
            sim.baseURL + "/twilio/2010-04-01/Accounts/\(sim.credentials.twilio.accountSid)/Messages.json"
        }

        static func basicAuth(_ user: String, _ password: String) -> (String, String) {
            ("Authorization", "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
        }

        static func post(_ sim: ProviderSimulator, _ form: [(String, String)], password: String? = nil) async throws -> Transport.HTTPResponse {
            let account = sim.credentials.twilio
            return try await send(Self.url(sim), headers: [
                basicAuth(account.accountSid, password ?? account.authToken), ("Content-Type", "application/x-www-form-urlencoded"),
            ], body: formBody(form))
        }

        @Test func createsAMessageResource() async throws {
            try await withSimulator { sim in
                let response = try await Self.post(sim, [("To", "+97336001234"), ("From", "+15005550006"), ("Body", "Hello & welcome")])
                #expect(response.status == 201)
                let json = try object(response)
                let sid = try #require(json["sid"] as? String)
                #expect(sid.count == 34 && sid.hasPrefix("SM") && sid.dropFirst(2).allSatisfy(\.isHexDigit))
                #expect(json["status"] as? String == "queued")
                #expect(json["to"] as? String == "+97336001234")
                #expect(json["from"] as? String == "+15005550006")
                #expect(json["body"] as? String == "Hello & welcome")
                #expect(json["account_sid"] as? String == sim.credentials.twilio.accountSid)
                #expect(json["num_segments"] as? String == "1")
                #expect(json["error_code"] is NSNull)
                #expect((json["date_created"] as? String)?.hasSuffix("+0000") == true)
                #expect(try sim.messages(provider: "twilio").map(\.messageId) == [sid])
                #expect(try sim.counts(provider: "twilio") == ["+97336001234": 1])
            }
        }

        @Test func refusesBadCredentialsAndNumbers() async throws {
            try await withSimulator { sim in
                let wrong = try await Self.post(sim, [("To", "+97336001234"), ("From", "+1500"), ("Body", "x")], password: "nope")
                #expect(wrong.status == 401)
                #expect(try object(wrong)["code"] as? Int == 20003)
                let anonymous = try await send(Self.url(sim), body: formBody([("To", "+97336001234"), ("From", "+1500"), ("Body", "x")]))
                #expect(anonymous.status == 401)

                let invalid = try await Self.post(sim, [("To", "+97336000000"), ("From", "+1500"), ("Body", "x")])
                #expect(invalid.status == 400)
                let error = try object(invalid)
                #expect(error["code"] as? Int == 21211)
                #expect(error["message"] as? String == "The 'To' number +97336000000 is not a valid phone number.")
                #expect(error["more_info"] as? String == "https://www.twilio.com/docs/errors/21211")
                #expect(error["status"] as? Int == 400)

                let noBody = try await Self.post(sim, [("To", "+97336001234"), ("From", "+1500")])
                #expect(try object(noBody)["code"] as? Int == 21602)
                let withService = try await Self.post(sim, [("To", "+97336001234"), ("MessagingServiceSid", "MG123"), ("Body", "x")])
                #expect(withService.status == 201)
                #expect(try sim.counts(provider: "twilio") == ["+97336001234": 1])
            }
        }

        @Test func postsSignedStatusCallbacks() async throws {
            try await WebhookReceiver.withReceiver { receiver in
                let config = SimulatorConfiguration(behaviours: ["twilio": ProviderBehaviour()], receiptDelay: .milliseconds(60))
                try await withSimulator(config) { sim in
                    let callback = receiver.baseURL + "/v1/receipts/twilio?tenant=gov"
                    let response = try await Self.post(sim, [("To", "+97336001234"), ("From", "+1500"), ("Body", "x"), ("StatusCallback", callback)])
                    let sid = try #require(try object(response)["sid"] as? String)
                    let callbacks = try await receiver.waitFor(2)
                    try #require(callbacks.count == 2)
                    let token = sim.credentials.twilio.authToken
                    var statuses: [String] = []
                    for received in callbacks {
                        let params = Self.formPairs(received.text)
                        #expect(received.headers["x-twilio-signature"] == Self.twilioSignature(token: token, url: callback, params: params))
                        let values = Dictionary(params, uniquingKeysWith: { first, _ in first })
                        #expect(values["MessageSid"] == sid && values["SmsSid"] == sid)
                        #expect(values["AccountSid"] == sim.credentials.twilio.accountSid)
                        #expect(values["To"] == "+97336001234" && values["ApiVersion"] == "2010-04-01")
                        statuses.append(values["MessageStatus"] ?? "")
                    }
                    #expect(statuses == ["sent", "delivered"])
                    #expect(callbacks.allSatisfy { $0.query == "tenant=gov" })

                    try sim.setBehaviour(ProviderBehaviour(failedReceiptRate: 1), for: "twilio")
                    _ = try await Self.post(sim, [("To", "+97336001235"), ("From", "+1500"), ("Body", "y"), ("StatusCallback", callback)])
                    let failed = try await receiver.waitFor(4).dropFirst(2).map { Dictionary(Self.formPairs($0.text), uniquingKeysWith: { a, _ in a }) }
                    #expect(failed.map { $0["MessageStatus"] } == ["sent", "undelivered"])
                    #expect(failed.last?["ErrorCode"] == "30003")
                }
            }
        }

        /// Twilio's documented algorithm, written out independently of the simulator.
        static func twilioSignature(token: String, url: String, params: [(String, String)]) -> String {
            let data = url + params.sorted { $0.0 < $1.0 }.map { $0.0 + $0.1 }.joined()
            let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(data.utf8), using: SymmetricKey(data: Data(token.utf8)))
            return Data(mac).base64EncodedString()
        }

        static func formPairs(_ text: String) -> [(String, String)] {
            text.split(separator: "&").map { pair in
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
                return (parts[0], parts.count > 1 ? parts[1] : "")
            }
        }
    }
}
