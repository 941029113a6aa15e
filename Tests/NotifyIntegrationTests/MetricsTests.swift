import Foundation
import Hummingbird
import HummingbirdTesting
import Metrics
import NotifyAPI
import NotifyCore
import NotifyStore
import Prometheus
import ProviderSim
import Synchronization
import Testing
import Transport
@testable import NotifyWorkers

/// The process-wide metrics registry for tests: bootstrapped once, as `notifyme` does at start-up.
enum TestMetrics {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory.notifyMe(registry: registry))
        return registry
    }()
}

/// GET /metrics after a flow that publishes, is rate limited, sends, retries and dead-letters.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct MetricsTests {
    /// The value of the first sample line of `name` whose labels include every one of `labels`.
    static func value(_ text: String, _ name: String, _ labels: [String] = []) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") || line.hasPrefix(name + " ") {
            guard labels.allSatisfy({ line.contains($0) }), let number = line.split(separator: " ").last else { continue }
            return Double(number)
        }
        return nil
    }

    @Test func theFlowShowsInPrometheusText() async throws {
        let registry = TestMetrics.registry
        // One request per ten seconds: the second is refused however slow the machine.
        let env = try await TestEnvironment(yaml: "publishing: {rate: 0.1, burst: 1}")
        defer { env.stop() }
        let deps = APIDependencies(redis: env.redis, catalogue: env.deps.catalogue, templates: env.deps.templates, verifier: env.deps.verifier,
                                   cipher: env.deps.cipher, residents: env.config.residents, publishing: env.config.publishing, metrics: registry)
        let kit = DeliveryKit(env: env)
        let key = try await env.entityKey()
        try await Application(router: buildRouter(deps)).test(.router) { client in
            #expect(try await client.execute(uri: "/v1/events", method: .post, headers: Req.headers(key), body: Req.body(Req.expiryEvent)).status == .accepted)
            #expect(try await client.execute(uri: "/v1/events", method: .post, headers: Req.headers(key), body: Req.body(Req.expiryEvent)).status == .tooManyRequests)

            // Three SMS: the gateway is down until one has failed (a retry), and one number is refused for good (a dead letter).
            let transport = CurlTransport()
            defer { transport.shutdown() }
            try await ProviderSimulator.withRunning { sim in
                let ids = Array(try await ProviderOutageTests.queue(kit, count: 2).values)
                let refused = try CPR("880109999")
                try await ContactStore(redis: env.redis, cipher: env.deps.cipher).save(
                    Contact(cpr: refused, phone: try PhoneNumber("+97336000000"), language: .en, verified: [.sms]))
                let doomed = try await kit.queued(refused, channel: .sms)
                try await WorkQueue(redis: env.redis, stream: Keys.stream("sms"), group: "sms").add([["notification": doomed.id]])
                try sim.setBehaviour(ProviderBehaviour(outage: true), for: "gateway")
                let pool = ProviderPool([.init(adapter: SMSProviderTests.gateway(sim, transport: transport))])
                let sent = try await ProviderOutageTests.run(kit, pool: pool, ids: ids) {
                    while try await ProviderOutageTests.failedOnce(kit, ids) < 1 { try await Task.sleep(for: .milliseconds(20)) }
                    try sim.setBehaviour(ProviderBehaviour(), for: "gateway")
                    while try await kit.status(doomed.id) != .failed { try await Task.sleep(for: .milliseconds(20)) }
                }
                #expect(sent)
                #expect(try await kit.status(doomed.id) == .failed)
            }

            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                let text = String(buffer: response.body)
                #expect(Self.value(text, "notifyme_events_accepted_total", [#"type="identity.document-expiry""#]) ?? 0 >= 1)
                #expect(Self.value(text, "notifyme_rate_limited_total", [#"scope="entity-key""#]) ?? 0 >= 1)
                #expect(Self.value(text, "notifyme_notifications_total", [#"channel="sms""#, #"status="sent""#]) ?? 0 >= 2)
                #expect(Self.value(text, "notifyme_notifications_total", [#"channel="sms""#, #"status="failed""#]) ?? 0 >= 1)
                #expect(Self.value(text, "notifyme_provider_request_duration_count", [#"provider="gw""#]) ?? 0 >= 3)
                #expect(Self.value(text, "notifyme_provider_errors_total", [#"provider="gw""#, #"kind="transient""#]) ?? 0 >= 1)
                #expect(Self.value(text, "notifyme_provider_errors_total", [#"provider="gw""#, #"kind="permanent""#]) ?? 0 >= 1)
                #expect(Self.value(text, "notifyme_retries_total", [#"channel="sms""#]) ?? 0 >= 1)
                #expect(Self.value(text, "notifyme_dead_letters_total", [#"channel="sms""#]) ?? 0 >= 1)
                // Published events wait on the events stream (no fan-out worker here): the API's one and the three the kit
                // published for its notifications, a few seconds old at most.
                #expect(Self.value(text, "notifyme_queue_depth", [#"queue="events""#]) == 4)
                #expect((0..<60).contains(Self.value(text, "notifyme_queue_oldest_age_seconds", [#"queue="events""#]) ?? -1))
                #expect(Self.value(text, "notifyme_queue_depth", [#"queue="sms""#]) == 0)
                // HTTP request durations by route and status.
                #expect(Self.value(text, "http_server_request_duration_count", [#"http_route="/v1/events""#, #"http_response_status_code="202""#]) ?? 0 >= 1)
                #expect(Self.value(text, "http_server_request_duration_count", [#"http_route="/v1/events""#, #"http_response_status_code="429""#]) ?? 0 >= 1)
            }
        }
    }

    /// A status move's counter is made once per channel and status, not on every move, and still counts each.
    @Test func handlesAreMadeOncePerKey() throws {
        let registry = TestMetrics.registry
        let made = Mutex(0)
        let handles = MetricHandles<String, Metrics.Counter> { key in
            made.withLock { $0 += 1 }
            return Metrics.Counter(label: "notifyme_test_handles_total", dimensions: [("key", key)])
        }
        for _ in 0..<3 { handles["a"].increment() }
        handles["b"].increment()
        #expect(made.withLock { $0 } == 2)
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        let text = String(decoding: buffer, as: UTF8.self)
        #expect(Self.value(text, "notifyme_test_handles_total", [#"key="a""#]) == 3)
        #expect(Self.value(text, "notifyme_test_handles_total", [#"key="b""#]) == 1)
    }
}
