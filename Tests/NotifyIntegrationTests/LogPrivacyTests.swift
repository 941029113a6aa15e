import Foundation
import NotifyTestSupport
import Testing
import Transport

/// `notifyme run` at trace level through a whole flow (registration, codes, devices, consent, callbacks, three
/// channels, a refused number, receipts, unsubscribe, staff reads and replays, erasure): every log line is a JSON
/// object carrying its request or notification id, and no line carries a resident's contact details, codes,
/// tokens, names or message text, nor any secret.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct LogPrivacyTests {
    let transport = CurlTransport()
    var harness: RunHarness { RunHarness(transport: transport) }

    func json(_ r: HTTPResponse) -> [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(r.body))) as? [String: Any]) ?? [:] }

    @Test func aFullFlowLogsNoPersonalDataAndEveryLineCarriesItsId() async throws {
        defer { transport.shutdown() }
        let dataDir = try Loopback.temporaryDirectory("nm-logs")
        let simPort = try Loopback.freePort()
        let env = ["NOTIFYME_DATA_DIR": dataDir.path, "NOTIFYME_HTTP_PORT": "\(try Loopback.freePort())", "NOTIFYME_REDIS_URL": "",
                   "NOTIFYME_SMTP_URL": "", "NOTIFYME_SIMULATOR_PORT": "\(simPort)", "NOTIFYME_SIMULATOR_HTTP2_PORT": "\(try Loopback.freePort())",
                   "NOTIFYME_LOG_LEVEL": "trace", "NOTIFYME_LOG_FORMAT": "json"]
        func cli(_ args: [String]) async throws -> String {
            let r = try await NotifymeBinary.run(args, env: env)
            #expect(r.code == 0, "\(args): \(r.err)")
            return r.out.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let key = try await cli(["keys", "create", "--entity", "moh.clinics", "--events", "*"])
        let zubaida = try await cli(["dev-token", "--cpr", "880101234"])
        let refused = try await cli(["dev-token", "--cpr", "870202345"])
        let staff = try await cli(["dev-token", "--staff", "ops-7", "--role", "operator"])

        let (run, started) = try await harness.startReady(env, workDir: dataDir)
        defer { run.stop(signal: SIGKILL) }
        let base = "http://127.0.0.1:\(started["NOTIFYME_HTTP_PORT"] ?? "")"
        let sim = Int(started["NOTIFYME_SIMULATOR_PORT"] ?? "") ?? simPort
        let outbox = dataDir.appendingPathComponent("outbox")
        func call(_ method: String, _ path: String, _ token: String?, _ body: String? = nil) async throws -> HTTPResponse {
            try await harness.http(method, base + path, token: token, body: body)
        }

        // Registration, a wrong code, then both codes.
        #expect(try await call("PUT", "/v1/me/contact", zubaida,
                               #"{"name":"Zubaida Qassimi","email":"zubaida.q@example.bh","phone":"+973 3600 4321","language":"en"}"#).status == 200)
        let mail = try #require(try await harness.waitForMail(in: outbox, subject: "Your verification code"))
        let emailCode = try #require(MailText.code(in: MailText.decodedBodies(mail)))
        let smsCode = try #require(try await harness.waitForSMSCode(simPort: sim, to: "+97336004321"))
        let wrong = emailCode == "135792" ? "246801" : "135792"
        #expect(try await call("POST", "/v1/me/contact/verify", zubaida, #"{"channel":"email","code":"\#(wrong)"}"#).status == 422)
        #expect(try await call("POST", "/v1/me/contact/verify", zubaida, #"{"channel":"email","code":"\#(emailCode)"}"#).status == 200)
        #expect(try await call("POST", "/v1/me/contact/verify", zubaida, #"{"channel":"sms","code":"\#(smsCode)"}"#).status == 200)
        // A number the provider refuses: its code fails and is dead-lettered.
        #expect(try await call("PUT", "/v1/me/contact", refused, #"{"phone":"+97336990000","language":"ar"}"#).status == 200)

        // A device, and health notices by push only.
        let fcmToken = "fcm-token-\(UUID().uuidString)"
        #expect(try await call("POST", "/v1/me/devices", zubaida, #"{"platform":"fcm","token":"\#(fcmToken)"}"#).status == 201)
        #expect(try await call("PUT", "/v1/me/subscriptions", zubaida, #"{"categories":{"health":{"sms":false,"push":true}}}"#).status == 200)

        // The entity's callback (its secret is a secret too), then an email notice and a push notice.
        let callbackSecret = "cb-secret-\(UUID().uuidString)"
        #expect(try await call("PUT", "/v1/callback", key, #"{"url":"http://127.0.0.1:\#(try Loopback.freePort())/hook","secret":"\#(callbackSecret)"}"#).status == 200)
        let expiry = try await call("POST", "/v1/events", key, """
            {"type":"identity.document-expiry","reference":"P-7731","recipients":["880101234","870202345"],
             "data":{"name":"Zubaida Qassimi","document":"passport","expiryDate":"2026-12-24","reference":"P-7731"}}
            """)
        #expect(expiry.status == 202, "\(expiry.bodyString)")
        let reminder = try await call("POST", "/v1/events", key, """
            {"type":"health.appointment-reminder","reference":"H-19","recipients":["880101234"],
             "data":{"name":"Zubaida Qassimi","clinic":"Saar Health Centre","appointmentDate":"2026-12-02","appointmentTime":"09:40","reference":"H-19"}}
            """)
        #expect(reminder.status == 202, "\(reminder.bodyString)")
        let notice = try #require(try await harness.waitForMail(in: outbox, subject: "Your passport expires on 2026-12-24"), "\(run.output.suffix(3000))")

        // One-click unsubscribe with the link from the email.
        // The header may be folded onto the next line.
        let link = try #require(notice.range(of: #"List-Unsubscribe:\s*<[^>]+>"#, options: .regularExpression).map { String(notice[$0]) })
        let url = String(link[link.index(after: link.firstIndex(of: "<")!)...].dropLast())
        let unsubscribeToken = String(url.split(separator: "/").last ?? "")
        let path = url.hasPrefix("http") ? String(url[url.range(of: "/v1/")!.lowerBound...]) : url
        #expect(try await call("POST", path, nil, "").status < 300)

        // Staff: the failures, a timeline, a replay.
        var failures: [[String: Any]] = []
        for _ in 0..<100 where failures.isEmpty {
            failures = json(try await call("GET", "/v1/admin/failures", staff))["items"] as? [[String: Any]] ?? []
            try await Task.sleep(for: .milliseconds(100))
        }
        let failure = try #require(failures.first)
        let notificationId = try #require(failure["notificationId"] as? String)
        #expect(try await call("GET", "/v1/admin/notifications/\(notificationId)?reason=INC-9", staff).status == 200)
        let replay = try await call("POST", "/v1/admin/failures/\(notificationId)/replay", staff, #"{"reason":"INC-9 retry"}"#)
        #expect(replay.status == 202 || replay.status == 409, "\(replay.bodyString)")

        // Wait for the push at the simulator, then the resident reads their notifications and erases their data.
        // Up to 90 s: on a loaded machine a first attempt can fail and wait for its retry, or a send cut off by a Redis
        // timeout waits for its lease to go stale (the visibility timeout, 60 s). A full CI run once missed a 30 s bound.
        var pushed = false
        for _ in 0..<900 where !pushed {
            let r = try await harness.http("GET", "http://127.0.0.1:\(sim)/_sim/messages?provider=fcm")
            pushed = r.bodyString.contains(fcmToken)
            try await Task.sleep(for: .milliseconds(100))
        }
        if !pushed {
            let mine = try await call("GET", "/v1/me/notifications", zubaida)
            Issue.record("no push reached the simulator; the resident's notifications: \(mine.bodyString.prefix(3000)); log: \(run.output.suffix(3000))")
        }
        #expect(try await call("GET", "/v1/me/notifications", zubaida).status == 200)
        #expect(try await call("GET", "/v1/me/consents", zubaida).status == 200)
        #expect(try await call("DELETE", "/v1/me", zubaida).status == 204)
        run.stop(signal: SIGTERM, timeout: 15)

        let lines = run.output.split(separator: "\n").map(String.init)
        #expect(lines.count > 50)
        // Structured: every line a JSON object with time, level and message; request lines carry the request id.
        var requestLines = 0, deliveryLines = 0
        for line in lines {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            guard let object, object["ts"] is String, object["level"] is String, let msg = object["msg"] as? String else {
                Issue.record("not a JSON log line: \(line.prefix(300))")
                continue
            }
            if object["source"] as? String == "NotifyAPI" {
                requestLines += 1
                #expect(object["hb.request.id"] != nil, "an API line without its request id: \(line)")
            }
            if msg.hasSuffix(" sent") || msg.contains("send failed") || msg.contains("dead-lettered") || msg.contains("falls back") {
                deliveryLines += 1
                #expect(object["notification"] != nil, "a delivery line without its notification id: \(line)")
            }
        }
        #expect(requestLines >= 15 && deliveryLines >= 5, "\(requestLines) request lines, \(deliveryLines) delivery lines")

        // Private: nothing a resident, an entity or a member of staff would not want in a log.
        let secrets = ["zubaida.q@example.bh", "+97336004321", "36004321", "3600 4321", "+97336990000", "36990000",
                       "880101234", "870202345", "Zubaida", "Qassimi", "Saar Health", "P-7731",
                       zubaida, refused, staff, key, fcmToken, callbackSecret, unsubscribeToken]
        for secret in secrets where !secret.isEmpty {
            let hits = lines.filter { $0.contains(secret) }
            #expect(hits.isEmpty, "\(secret.prefix(24)) appears in \(hits.count) log lines, e.g. \(hits.first?.prefix(300) ?? "")")
        }
        // Codes are six digits: look for them standing alone, not inside ids or times.
        for code in [emailCode, smsCode, wrong] {
            let pattern = "(?<![0-9A-Za-z])\(code)(?![0-9A-Za-z])"
            let hits = lines.filter { $0.range(of: pattern, options: .regularExpression) != nil }
            #expect(hits.isEmpty, "code \(code) appears in \(hits.count) log lines, e.g. \(hits.first?.prefix(300) ?? "")")
        }
    }
}
