import Foundation
import NotifyTestSupport
import Testing
import Transport

@Suite("HTTP client against a local HTTP/1.1 server", .serialized, .timeLimit(.minutes(2)))
struct HTTPClientTests {
    let server: HTTPTestServer
    let transport: CurlTransport

    init() async throws {
        server = try await offPool { try HTTPTestServer.start() }
        transport = CurlTransport()
    }

    @Test("POST sends method, headers, body and the configured User-Agent")
    func postEcho() async throws {
        defer { transport.shutdown() }
        let body = Array(#"{"to":"+97333000000","text":"مرحبا"}"#.utf8)
        let response = try await transport.execute(HTTPRequest(
            method: "POST", url: server.url("/echo?x=1"),
            headers: [HTTPHeader(name: "Content-Type", value: "application/json"), HTTPHeader(name: "X-Request-Id", value: "abc-123")],
            body: body, httpVersion: .http1_1
        ))
        #expect(response.status == 200)
        #expect(response.httpVersion == "1.1")
        #expect(response.header("CONTENT-TYPE") == "application/json")
        let echo = try EchoReply(response)
        #expect(echo.method == "POST")
        #expect(echo.path == "/echo?x=1")
        #expect(echo.bodyLength == body.count)
        #expect(Array(echo.body.utf8) == body)
        #expect(echo.header("x-request-id") == "abc-123")
        #expect(echo.header("content-type") == "application/json")
        #expect(echo.header("user-agent") == "NotifyMe/1.0")
        #expect(echo.header("expect") == nil)
    }

    @Test("PUT, PATCH and DELETE use their method; an empty POST sends Content-Length 0")
    func otherMethods() async throws {
        defer { transport.shutdown() }
        for method in ["PUT", "PATCH"] {
            let echo = try EchoReply(try await transport.execute(HTTPRequest(method: method, url: server.url("/echo"), body: Array("x=\(method)".utf8))))
            #expect(echo.method == method)
            #expect(echo.body == "x=\(method)")
        }
        let delete = try EchoReply(try await transport.execute(HTTPRequest(method: "DELETE", url: server.url("/echo"))))
        #expect(delete.method == "DELETE")
        #expect(delete.bodyLength == 0)
        let emptyPost = try EchoReply(try await transport.execute(HTTPRequest(method: "POST", url: server.url("/echo"), body: [])))
        #expect(emptyPost.method == "POST")
        #expect(emptyPost.header("content-length") == "0")
    }

    @Test("HEAD returns the status and headers without a body")
    func head() async throws {
        defer { transport.shutdown() }
        let response = try await transport.execute(HTTPRequest(method: "HEAD", url: server.url("/bytes/1000")))
        #expect(response.status == 200)
        #expect(response.header("content-length") == "1000")
        #expect(response.body.isEmpty)
    }

    @Test("Large request and response bodies arrive intact (read and write callbacks over many chunks)")
    func largeBodies() async throws {
        defer { transport.shutdown() }
        let size = 1_000_000
        let download = try await transport.execute(HTTPRequest(url: server.url("/bytes/\(size)")))
        #expect(download.body.count == size)
        #expect(download.body.enumerated().allSatisfy { $0.element == UInt8($0.offset % 256) })

        let upload = (0..<size).map { UInt8(ascii: "a") + UInt8($0 % 26) }
        let echo = try EchoReply(try await transport.execute(HTTPRequest(method: "POST", url: server.url("/echo"), body: upload)))
        #expect(echo.bodyLength == size)
        #expect(Array(echo.body.utf8) == upload)
    }

    @Test("50 sequential requests reuse the keep-alive connection")
    func connectionReuse() async throws {
        defer { transport.shutdown() }
        _ = try await transport.execute(HTTPRequest(url: server.url("/echo"), httpVersion: .http1_1))
        let before = try server.stats()
        for i in 0..<50 {
            let response = try await transport.execute(HTTPRequest(method: "POST", url: server.url("/echo"), body: Array("\(i)".utf8), httpVersion: .http1_1))
            #expect(response.status == 200)
        }
        let after = try server.stats()
        let opened = after.connections - before.connections
        figure("connection reuse: 50 sequential requests opened \(opened) new connection(s); requests served \(after.requests - before.requests)")
        #expect(after.requests - before.requests == 50)
        #expect(opened <= 2)
    }

    @Test("Header values with CR/LF and bad methods are rejected before anything is sent")
    func invalidRequests() async throws {
        defer { transport.shutdown() }
        let before = try server.stats()
        let badHeader = await #expect(throws: TransportError.self) {
            try await transport.execute(HTTPRequest(url: server.url("/echo"), headers: [HTTPHeader(name: "X-A", value: "1\r\nX-Injected: 2")]))
        }
        #expect(badHeader?.isInvalidRequest == true)
        let badMethod = await #expect(throws: TransportError.self) {
            try await transport.execute(HTTPRequest(method: "GET /x", url: server.url("/echo")))
        }
        #expect(badMethod?.isInvalidRequest == true)
        let badScheme = await #expect(throws: TransportError.self) {
            try await transport.execute(HTTPRequest(url: "file:///etc/passwd"))
        }
        #expect(badScheme?.isInvalidRequest == true)
        #expect(try server.stats().requests == before.requests)
    }
}
