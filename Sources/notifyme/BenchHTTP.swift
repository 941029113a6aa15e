import Foundation
import Transport

/// The benchmark's HTTP client for the NotifyMe API: plain HTTP/1.1 over reused loopback connections.
struct BenchHTTP: Sendable {
    let transport: CurlTransport

    func get(_ url: String, token: String? = nil) async throws -> HTTPResponse {
        try await transport.execute(HTTPRequest(method: "GET", url: url, headers: headers(token, nil), timeout: .seconds(10), httpVersion: .http1_1))
    }

    func post(_ url: String, token: String, idempotencyKey: String? = nil, json: String) async throws -> HTTPResponse {
        try await transport.execute(HTTPRequest(method: "POST", url: url, headers: headers(token, idempotencyKey), body: Array(json.utf8),
                                                timeout: .seconds(30), httpVersion: .http1_1))
    }

    private func headers(_ token: String?, _ idempotencyKey: String?) -> [HTTPHeader] {
        var h = [HTTPHeader(name: "Content-Type", value: "application/json")]
        if let token { h.append(HTTPHeader(name: "Authorization", value: "Bearer \(token)")) }
        if let idempotencyKey { h.append(HTTPHeader(name: "Idempotency-Key", value: idempotencyKey)) }
        return h
    }
}
