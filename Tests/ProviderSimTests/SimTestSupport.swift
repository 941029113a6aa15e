import Foundation
import Logging
import NotifyTestSupport
import ProviderSim
import Testing
import Transport

/// One transport for every test: the simulator is reached the way NotifyMe reaches providers.
let client = CurlTransport(configuration: TransportConfiguration(maxConnectionsPerHost: 8))

/// Credentials are shared between simulators (loaded, not regenerated): RSA key generation is slow.
let sharedCredentialsDirectory: String = {
    let fallback = FileManager.default.temporaryDirectory.appendingPathComponent("nm-sim-credentials").path
    return (try? Loopback.temporaryDirectory("nm-sim-credentials").path) ?? fallback
}()

/// Runs `body` against a fresh simulator on free ports.
func withSimulator<T>(
    _ configuration: SimulatorConfiguration = SimulatorConfiguration(),
    _ body: (ProviderSimulator) async throws -> T
) async throws -> T {
    var configuration = configuration
    if configuration.credentialsDirectory == nil { configuration.credentialsDirectory = sharedCredentialsDirectory }
    var logger = Logger(label: "provider-sim-test")
    logger.logLevel = .warning
    return try await ProviderSimulator.withRunning(configuration, logger: logger, body)
}

/// Sends one request; HTTP/1.1 unless told otherwise.
func send(
    _ url: String, method: String = "POST", headers: [(String, String)] = [], body: [UInt8]? = nil,
    version: HTTPVersion = .http1_1
) async throws -> Transport.HTTPResponse {
    try await client.execute(Transport.HTTPRequest(
        method: method, url: url, headers: headers.map { HTTPHeader(name: $0.0, value: $0.1) },
        body: body, timeout: .seconds(10), httpVersion: version
    ))
}

/// Sends a JSON body.
func sendJSON(_ url: String, _ object: [String: Any], headers: [(String, String)] = [], method: String = "POST") async throws -> Transport.HTTPResponse {
    let body = try JSONSerialization.data(withJSONObject: object)
    return try await send(url, method: method, headers: headers + [("Content-Type", "application/json")], body: Array(body))
}

/// The response body as a JSON object.
func object(_ response: Transport.HTTPResponse) throws -> [String: Any] {
    let parsed = try JSONSerialization.jsonObject(with: Data(response.body))
    return try #require(parsed as? [String: Any], "not a JSON object: \(response.bodyString)")
}

/// `body` form-encoded.
func formBody(_ pairs: [(String, String)]) -> [UInt8] {
    let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    let text = pairs.map { name, value in
        "\(name.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
    }.joined(separator: "&")
    return Array(text.utf8)
}

/// Polls `condition` without blocking the cooperative pool.
func eventually(timeout: Duration = .seconds(5), _ condition: () throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try condition()
}

/// The top-level suite: its nested suites run one at a time, since throttling and timing tests
/// would disturb each other on two cores.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct ProviderSimTests {}

/// The gateway receipts in a callback body: its `receipts` array when batched, else the body itself.
func gatewayReceipts(_ body: [UInt8]) throws -> [[String: Any]] {
    let json = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any], "not a JSON object")
    guard let batch = json["receipts"] else { return [json] }
    return try #require(batch as? [[String: Any]], "receipts is not an array of objects")
}

/// Waits until the receiver holds `count` gateway receipts, however they were batched; returns the posts.
func waitForGatewayReceipts(_ receiver: WebhookReceiver, _ count: Int, timeout: Duration = .seconds(5)) async throws -> [WebhookReceiver.Received] {
    let deadline = ContinuousClock.now + timeout
    while try receiver.all.reduce(0, { $0 + (try gatewayReceipts($1.body)).count }) < count, ContinuousClock.now < deadline {
        try await Task.sleep(for: .milliseconds(20))
    }
    return receiver.all
}
