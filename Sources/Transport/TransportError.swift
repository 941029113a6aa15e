import Foundation

/// A failed transfer: the transport could not complete it, or (through
/// ``HTTPResponse/ensureSuccess()``) the server answered with a non-2xx status.
public struct TransportError: Error, CustomStringConvertible, Sendable {
    private enum Code: Sendable, Equatable {
        case timeout
        case connectionRefused
        case connectFailed
        case tls
        case dns
        case httpStatus
        case smtpRejected
        case authentication
        case invalidRequest
        case shutdown
        case other
    }

    private let code: Code
    /// What went wrong, for logs. Never contains bodies, recipients or credentials.
    public let message: String
    /// The libcurl `CURLcode`, when libcurl reported the failure.
    public let curlCode: Int?
    /// The HTTP status, for ``isHTTPStatus`` errors.
    public let status: Int?
    /// The last SMTP reply code, for ``isSMTPRejected`` and ``isAuthentication`` errors on SMTP.
    public let smtpReplyCode: Int?
    /// The whole response, for ``isHTTPStatus`` errors (e.g. to read `Retry-After`).
    public let response: HTTPResponse?

    private init(
        _ code: Code, _ message: String, curlCode: Int? = nil, status: Int? = nil,
        smtpReplyCode: Int? = nil, response: HTTPResponse? = nil
    ) {
        self.code = code
        self.message = message
        self.curlCode = curlCode
        self.status = status
        self.smtpReplyCode = smtpReplyCode
        self.response = response
    }

    /// The request or connect timeout passed.
    public var isTimeout: Bool { code == .timeout }
    /// Nothing listened on the port (TCP RST on connect).
    public var isConnectionRefused: Bool { code == .connectionRefused }
    /// The TCP connection could not be made for a reason other than refusal (unreachable, ...).
    public var isConnectFailed: Bool { code == .connectFailed }
    /// The TLS handshake or certificate check failed, or STARTTLS was refused.
    public var isTLS: Bool { code == .tls }
    /// The host name did not resolve.
    public var isDNS: Bool { code == .dns }
    /// The server answered with a non-2xx HTTP status (see ``status`` and ``response``).
    public var isHTTPStatus: Bool { code == .httpStatus }
    /// The SMTP server refused the sender, a recipient or the message (see ``smtpReplyCode``).
    public var isSMTPRejected: Bool { code == .smtpRejected }
    /// The server refused the credentials.
    public var isAuthentication: Bool { code == .authentication }
    /// The request itself was unusable (bad header, empty recipient list, unsupported URL, ...).
    public var isInvalidRequest: Bool { code == .invalidRequest }
    /// The transport was shut down before the transfer finished.
    public var isShutdown: Bool { code == .shutdown }
    /// An SMTP rejection with a 5xx code: retrying the same message will not help.
    public var isPermanentSMTPRejection: Bool { code == .smtpRejected && (smtpReplyCode ?? 0) >= 500 }

    public var description: String {
        var text = "TransportError(\(code)): \(message)"
        if let curlCode { text += " [curl \(curlCode)]" }
        return text
    }

    /// The error ``HTTPResponse/ensureSuccess()`` throws for a non-2xx response.
    public static func httpStatus(_ response: HTTPResponse) -> TransportError {
        TransportError(.httpStatus, "HTTP status \(response.status)", status: response.status, response: response)
    }

    static func shutdown() -> TransportError {
        TransportError(.shutdown, "the transport was shut down")
    }

    static func invalidRequest(_ message: String, curlCode: Int? = nil) -> TransportError {
        TransportError(.invalidRequest, message, curlCode: curlCode)
    }

    /// Classifies a finished transfer's libcurl failure.
    static func fromCurl(code: Int, detail: String, osErrno: Int, replyCode: Int, isSMTP: Bool) -> TransportError {
        let kind: Code
        switch CurlResultKind(code) {
        case .timeout: kind = .timeout
        case .connect:
            let refused = osErrno == Int(ECONNREFUSED) || detail.contains("Connection refused")
            kind = refused ? .connectionRefused : .connectFailed
        case .tls: kind = .tls
        case .dns: kind = .dns
        case .login: kind = .authentication
        case .invalid: kind = .invalidRequest
        case .other:
            kind = isSMTP && replyCode >= 400 ? .smtpRejected : .other
        }
        let message = detail.isEmpty ? "libcurl error \(code)" : detail
        return TransportError(kind, message, curlCode: code, smtpReplyCode: isSMTP && replyCode > 0 ? replyCode : nil)
    }
}
