import Foundation
import NotifyTestSupport
import Testing
import Transport

@Suite("Transport failures surface as typed errors", .serialized, .timeLimit(.minutes(2)))
struct TransportErrorTests {
    let server: HTTPTestServer
    let transport: CurlTransport

    init() async throws {
        server = try await offPool { try HTTPTestServer.start() }
        transport = CurlTransport()
    }

    @Test("A server that never answers gives isTimeout after the request timeout")
    func timeout() async throws {
        defer { transport.shutdown() }
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: TransportError.self) {
            try await transport.execute(HTTPRequest(url: server.url("/hang"), timeout: .milliseconds(500)))
        }
        let elapsed = clock.now - start
        #expect(error?.isTimeout == true)
        #expect(error?.curlCode == 28)
        #expect(elapsed >= .milliseconds(450))
        #expect(elapsed < .seconds(5))
    }

    @Test("A closed port gives isConnectionRefused")
    func connectionRefused() async throws {
        defer { transport.shutdown() }
        let port = try Loopback.freePort()
        let error = await #expect(throws: TransportError.self) {
            try await transport.execute(HTTPRequest(url: "http://127.0.0.1:\(port)/"))
        }
        #expect(error?.isConnectionRefused == true)
        #expect(error?.isTimeout == false)
    }

    @Test("ensureSuccess turns 500 and 429 into isHTTPStatus errors carrying the response")
    func httpStatus() async throws {
        defer { transport.shutdown() }
        let ok = try await transport.execute(HTTPRequest(url: server.url("/status/204")))
        #expect(try ok.ensureSuccess().status == 204)

        let serverError = try await transport.execute(HTTPRequest(url: server.url("/status/500")))
        #expect(serverError.status == 500)
        let error500 = #expect(throws: TransportError.self) { try serverError.ensureSuccess() }
        #expect(error500?.isHTTPStatus == true)
        #expect(error500?.status == 500)

        let throttled = try await transport.execute(HTTPRequest(url: server.url("/status/429")))
        let error429 = #expect(throws: TransportError.self) { try throttled.ensureSuccess() }
        #expect(error429?.isHTTPStatus == true)
        #expect(error429?.status == 429)
        #expect(error429?.response?.header("Retry-After") == "1")
        #expect(error429?.curlCode == nil)
    }

    @Test("https:// to a plain-HTTP port gives isTLS")
    func tlsToPlainPort() async throws {
        defer { transport.shutdown() }
        let error = await #expect(throws: TransportError.self) {
            try await transport.execute(HTTPRequest(url: "https://127.0.0.1:\(server.port)/echo"))
        }
        #expect(error?.isTLS == true)
    }

    @Test("A self-signed certificate fails verification (isTLS) unless trusted or verification is off")
    func untrustedCertificate() async throws {
        defer { transport.shutdown() }
        let tlsServer = try await offPool { try HTTPTestServer.start(tls: true) }
        let error = await #expect(throws: TransportError.self) {
            try await transport.execute(HTTPRequest(url: tlsServer.url("/echo")))
        }
        #expect(error?.isTLS == true)
        #expect(error?.curlCode == 60)

        let lax = CurlTransport(configuration: TransportConfiguration(verifyPeer: false))
        defer { lax.shutdown() }
        #expect(try await lax.execute(HTTPRequest(url: tlsServer.url("/echo"))).status == 200)
    }

    @Test("shutdown fails in-flight requests with isShutdown, is idempotent, and later calls fail too")
    func shutdownFailsInFlight() async throws {
        let inFlight = Task { try await transport.execute(HTTPRequest(url: server.url("/hang"), timeout: .seconds(60))) }
        try await Task.sleep(for: .milliseconds(300))
        let clock = ContinuousClock()
        let start = clock.now
        transport.shutdown()
        transport.shutdown()
        let result = await inFlight.result
        #expect(clock.now - start < .seconds(3))
        #expect(throws: TransportError.self) { try result.get() }
        if case .failure(let error) = result {
            #expect((error as? TransportError)?.isShutdown == true)
        }
        let later = await #expect(throws: TransportError.self) {
            try await transport.execute(HTTPRequest(url: server.url("/echo")))
        }
        #expect(later?.isShutdown == true)
    }

    @Test("Cancelling the task cancels the transfer promptly and the transport keeps working")
    func cancellation() async throws {
        defer { transport.shutdown() }
        let hanging = Task { try await transport.execute(HTTPRequest(url: server.url("/hang"), timeout: .seconds(60))) }
        try await Task.sleep(for: .milliseconds(300))
        let clock = ContinuousClock()
        let start = clock.now
        hanging.cancel()
        let result = await hanging.result
        // Far below the transfer's 60 s timeout; not tighter, because under a full parallel test run on two cores the
        // task that awaits the result can wait seconds for a cooperative thread (a CI run measured 4.5 s).
        #expect(clock.now - start < .seconds(15))
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(try await transport.execute(HTTPRequest(url: server.url("/echo"))).status == 200)
    }
}
