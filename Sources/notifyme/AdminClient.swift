import ArgumentParser
import Foundation
import Transport

/// How `notifyme admin` reaches the API: its URL and a staff token. Every answer that is not a success becomes an exit code.
struct AdminClient: ParsableArguments {
    @Option(help: "The API's base URL (default: http.publicURL from the configuration).")
    var api: String?

    @Option(help: "A staff token (default: the NOTIFYME_STAFF_TOKEN environment variable).")
    var token: String?

    /// Exit codes scripts can rely on.
    enum Exit {
        /// Done, but not everything: a replay refused, or a bulk replay that skipped some.
        static let partial: Int32 = 1
        static let notFound: Int32 = 3
        static let usage: Int32 = 64
        /// The API refused the input (422).
        static let badInput: Int32 = 65
        /// The API could not be reached, or failed (5xx).
        static let unavailable: Int32 = 69
        /// The token is missing, invalid, or lacks the role (401, 403).
        static let notPermitted: Int32 = 77
        static let help = """
        Exit codes: 0 done; 1 done in part (a replay refused, or some of a bulk replay
        skipped); 3 not found; 64 usage; 65 input refused by the API; 69 API
        unreachable or failing; 77 token missing, invalid or not permitted.
        """
    }

    /// GETs or POSTs `path` and returns the decoded JSON object, or exits with the code its status maps to.
    func call(_ method: String, _ path: String, body: [String: Any]? = nil, timeout: Duration = .seconds(30)) async throws -> [String: Any] {
        let staffToken = token ?? ProcessInfo.processInfo.environment["NOTIFYME_STAFF_TOKEN"] ?? ""
        guard !staffToken.isEmpty else {
            throw CLI.fail("a staff token is needed: --token or NOTIFYME_STAFF_TOKEN (notifyme dev-token --staff ID --role operator)", code: Exit.notPermitted)
        }
        let base = try baseURL()
        let transport = CurlTransport()
        defer { transport.shutdown() }
        var headers = [HTTPHeader(name: "Authorization", value: "Bearer \(staffToken)"), HTTPHeader(name: "Accept", value: "application/json")]
        var bytes: [UInt8]?
        if let body {
            headers.append(HTTPHeader(name: "Content-Type", value: "application/json"))
            bytes = Array(try JSONSerialization.data(withJSONObject: body))
        }
        let response: HTTPResponse
        do {
            response = try await transport.execute(HTTPRequest(method: method, url: base + path, headers: headers, body: bytes, timeout: timeout,
                                                               httpVersion: .http2TLS))
        } catch {
            throw CLI.fail("cannot reach the API at \(base): \(error)", code: Exit.unavailable)
        }
        let json = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        guard (200..<300).contains(response.status) else {
            let detail = json["detail"] as? String ?? "HTTP \(response.status)"
            let fields = (json["errors"] as? [[String: Any]] ?? []).compactMap { e in
                (e["field"] as? String).map { "\($0): \(e["detail"] as? String ?? "")" }
            }
            let message = ([detail] + fields).joined(separator: "; ")
            switch response.status {
            case 401, 403: throw CLI.fail(message, code: Exit.notPermitted)
            case 404: throw CLI.fail(message, code: Exit.notFound)
            case 409: throw CLI.fail(message, code: Exit.partial)
            case 400, 413, 422: throw CLI.fail(message, code: Exit.badInput)
            default: throw CLI.fail(message, code: Exit.unavailable)
            }
        }
        return json
    }

    private func baseURL() throws -> String {
        let url = try api ?? CLI.loadConfiguration().publicURL
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else { throw CLI.fail("--api must start with http:// or https://", code: Exit.usage) }
        return url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    /// `value` escaped for a query string.
    static func query(_ pairs: [(String, String?)]) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        let parts = pairs.compactMap { name, value in
            value.map { "\(name)=\($0.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
        }
        return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
    }
}
