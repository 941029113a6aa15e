import Foundation
import NotifyTestSupport
import Testing
import Transport

@Suite("HTTP/2: h2c prior knowledge and h2 over TLS (ALPN)", .serialized, .timeLimit(.minutes(2)))
struct HTTP2Tests {
    @Test("h2c prior knowledge carries method, headers and body over HTTP/2")
    func priorKnowledge() async throws {
        let server = try await offPool { try HTTPTestServer.start(mode: .h2c) }
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let response = try await transport.execute(HTTPRequest(
            method: "POST", url: server.url("/echo"),
            headers: [HTTPHeader(name: "apns-topic", value: "bh.gov.notify"), HTTPHeader(name: "Content-Type", value: "application/json")],
            body: Array(#"{"aps":{"alert":"hi"}}"#.utf8), httpVersion: .http2PriorKnowledge
        ))
        #expect(response.status == 200)
        #expect(response.httpVersion == "2")
        let echo = try EchoReply(response)
        #expect(echo.httpVersion == "HTTP/2")
        #expect(echo.method == "POST")
        #expect(echo.header("apns-topic") == "bh.gov.notify")
        #expect(echo.body == #"{"aps":{"alert":"hi"}}"#)

        // Further requests work too (libcurl < 8 cannot reuse an h2c connection: the transport
        // then opens one per request instead of failing with CURLE_HTTP2).
        for _ in 0..<3 {
            let status = try await transport.execute(HTTPRequest(url: server.url("/status/410"), httpVersion: .http2PriorKnowledge))
            #expect(status.status == 410)
            #expect(status.httpVersion == "2")
        }
    }

    @Test("The default (.http2TLS) negotiates h2 with a TLS server trusted through caBundlePath")
    func http2OverTLS() async throws {
        let server = try await offPool { try HTTPTestServer.start(mode: .h2c, tls: true) }
        let certificate = try #require(server.certificatePath)
        let transport = CurlTransport(configuration: TransportConfiguration(caBundlePath: certificate))
        defer { transport.shutdown() }
        let response = try await transport.execute(HTTPRequest(method: "POST", url: server.url("/echo"), body: Array("ping".utf8)))
        #expect(response.status == 200)
        #expect(response.httpVersion == "2")
        #expect(try EchoReply(response).body == "ping")
    }

    @Test(".http1_1 stays on HTTP/1.1 against a TLS server that offers HTTP/1.1")
    func http1OverTLS() async throws {
        let server = try await offPool { try HTTPTestServer.start(mode: .http1, tls: true) }
        let certificate = try #require(server.certificatePath)
        let transport = CurlTransport(configuration: TransportConfiguration(caBundlePath: certificate))
        defer { transport.shutdown() }
        let response = try await transport.execute(HTTPRequest(url: server.url("/echo"), httpVersion: .http1_1))
        #expect(response.status == 200)
        #expect(response.httpVersion == "1.1")
    }
}
