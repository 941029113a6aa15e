import CCurl

extension CurlTransport {
    /// Performs an HTTP request and returns the response whatever its status.
    ///
    /// Throws ``TransportError`` when no response arrives (timeout, refused, TLS, DNS, other
    /// transport failure, shutdown) and `CancellationError` when the task is cancelled.
    /// Use ``HTTPResponse/ensureSuccess()`` to turn non-2xx statuses into errors. Redirects are
    /// not followed (a 3xx is returned as is); bodies are sent with a `Content-Length` and no
    /// `Expect: 100-continue` round trip unless the request sets `Expect` itself.
    public func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        let method = request.method.uppercased()
        guard !method.isEmpty, method.utf8.allSatisfy({ Self.isTokenByte($0) }) else {
            throw TransportError.invalidRequest("invalid HTTP method")
        }
        let lowerURL = request.url.lowercased()
        guard lowerURL.hasPrefix("http://") || lowerURL.hasPrefix("https://") else {
            throw TransportError.invalidRequest("only http:// and https:// URLs are supported")
        }
        var headerLines: [String] = []
        headerLines.reserveCapacity(request.headers.count + 1)
        var sawExpect = false
        for header in request.headers {
            guard !header.name.isEmpty, header.name.utf8.allSatisfy({ Self.isTokenByte($0) }),
                  !header.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 })
            else { throw TransportError.invalidRequest("invalid header field") }
            if header.name.lowercased() == "expect" { sawExpect = true }
            // "Name;" is libcurl's way to send a header with an empty value.
            headerLines.append(header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)")
        }
        if !sawExpect { headerLines.append("Expect:") }  // no 100-continue round trip

        let body = request.body
        let label = "\(method) \(Self.logTarget(request.url))"
        let transfer = try await run(kind: .http, label: label, upload: body ?? []) { transfer, easy throws(TransportError) in
            try easy.set(CURLOPT_URL, request.url)
            try easy.set(CURLOPT_PROTOCOLS_STR, "http,https")
            try easy.set(CURLOPT_USERAGENT, configuration.userAgent)
            try easy.set(CURLOPT_TIMEOUT_MS, request.timeout.curlMilliseconds)
            try easy.set(CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeout.curlMilliseconds)
            try easy.set(CURLOPT_HTTP_VERSION, Self.curlVersion(request.httpVersion))
            if request.httpVersion == .http2PriorKnowledge && !Self.priorKnowledgeReuseWorks {
                // libcurl < 8.0.0 breaks a reused h2c prior-knowledge connection with CURLE_HTTP2
                // ("Error in the HTTP2 framing layer", curl/curl#10634): one connection per request.
                try easy.set(CURLOPT_FRESH_CONNECT, true)
                try easy.set(CURLOPT_FORBID_REUSE, true)
            } else if request.httpVersion != .http1_1 {
                try easy.set(CURLOPT_PIPEWAIT, true)  // wait for a multiplexed connection over opening another
            }
            try easy.set(CURLOPT_HTTPHEADER, list: transfer.makeSlist(headerLines))
            switch (method, body) {
            case ("GET", nil):
                try easy.set(CURLOPT_HTTPGET, true)
            case ("HEAD", nil):
                try easy.set(CURLOPT_NOBODY, true)
            case (_, nil) where method != "POST":
                try easy.set(CURLOPT_CUSTOMREQUEST, method)
            default:
                // The body streams from the read callback with a Content-Length: no copy.
                try easy.set(CURLOPT_POST, true)
                try easy.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: curl_off_t(body?.count ?? 0))
                if method != "POST" { try easy.set(CURLOPT_CUSTOMREQUEST, method) }
            }
        }
        return HTTPResponse(
            status: transfer.status,
            headers: transfer.responseHeaders,
            body: transfer.takeBody(),
            httpVersion: transfer.httpVersion
        )
    }

    /// Whether the loaded libcurl can reuse (and multiplex on) an h2c prior-knowledge connection.
    static let priorKnowledgeReuseWorks = nm_curl_version_num() >= 0x08_00_00

    static func curlVersion(_ version: HTTPVersion) -> Int {
        switch version {
        case .http1_1: CURL_HTTP_VERSION_1_1
        case .http2TLS: CURL_HTTP_VERSION_2TLS
        case .http2PriorKnowledge: CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE
        }
    }

    /// RFC 9110 token characters (method and header names).
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
