import Foundation
import NotifyTestSupport
import Transport

/// Drives `notifyme run` as a process: starts it ready on free ports, speaks HTTP to it, reads what it sent.
struct RunHarness {
    let transport: CurlTransport

    func http(_ method: String, _ url: String, token: String? = nil, body: String? = nil) async throws -> HTTPResponse {
        var headers = [HTTPHeader(name: "Content-Type", value: "application/json")]
        if let token { headers.append(HTTPHeader(name: "Authorization", value: "Bearer \(token)")) }
        return try await transport.execute(HTTPRequest(method: method, url: url, headers: headers, body: body.map { Array($0.utf8) },
                                                       timeout: .seconds(10), httpVersion: .http1_1))
    }

    func waitReady(_ base: String, _ process: ManagedProcess) async throws {
        for _ in 0..<150 {
            if let r = try? await http("GET", "\(base)/health/ready"), r.status == 200 { return }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestSupportError("notifyme run did not become ready:\n\(process.output)")
    }

    /// Starts `notifyme run` and waits until it is ready. A chosen port that another process (often a client's
    /// ephemeral port) took before `run` could bind it gets fresh ports, up to three tries.
    func startReady(_ env: [String: String], workDir: URL) async throws -> (ManagedProcess, [String: String]) {
        var env = env
        for attempt in 1...3 {
            let run = try NotifymeBinary.start(env: env, workDir: workDir)
            do {
                try await waitReady("http://127.0.0.1:\(env["NOTIFYME_HTTP_PORT"] ?? "")", run)
                return (run, env)
            } catch {
                guard attempt < 3, run.output.contains("Address already in use") else { throw error }
                run.stop(signal: SIGKILL)
                for name in ["NOTIFYME_HTTP_PORT", "NOTIFYME_SIMULATOR_PORT", "NOTIFYME_SIMULATOR_HTTP2_PORT"] where env[name] != nil {
                    env[name] = String(try Loopback.freePort())
                }
            }
        }
        throw TestSupportError("unreachable")
    }

    /// The text of the first .eml in `outbox` whose subject line is `subject`, waiting up to 10 s.
    func waitForMail(in outbox: URL, subject: String) async throws -> String? {
        for _ in 0..<100 {
            for file in (try? FileManager.default.contentsOfDirectory(atPath: outbox.path)) ?? [] {
                if let text = try? String(contentsOf: outbox.appendingPathComponent(file), encoding: .utf8), text.contains("Subject: \(subject)\r\n") {
                    return text
                }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    /// The six-digit code in the newest SMS the simulator's gateway accepted for `to`, waiting up to 10 s.
    func waitForSMSCode(simPort: Int, to: String) async throws -> String? {
        for _ in 0..<100 {
            let r = try await http("GET", "http://127.0.0.1:\(simPort)/_sim/messages?provider=gateway")
            let items = (try? JSONSerialization.jsonObject(with: Data(r.body))) as? [[String: Any]] ?? []
            if let text = items.last(where: { $0["recipient"] as? String == to })?["text"] as? String,
               let range = text.range(of: #"\d{6}"#, options: .regularExpression) {
                return String(text[range])
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }
}
