import CCurl

/// Groups libcurl result codes into the failure kinds ``TransportError`` exposes.
enum CurlResultKind {
    case timeout, connect, tls, dns, login, invalid, other

    init(_ code: Int) {
        switch code {
        case Int(CURLE_OPERATION_TIMEDOUT.rawValue):
            self = .timeout
        case Int(CURLE_COULDNT_CONNECT.rawValue):
            self = .connect
        case Int(CURLE_COULDNT_RESOLVE_HOST.rawValue), Int(CURLE_COULDNT_RESOLVE_PROXY.rawValue):
            self = .dns
        case Int(CURLE_SSL_CONNECT_ERROR.rawValue), Int(CURLE_PEER_FAILED_VERIFICATION.rawValue),
             Int(CURLE_SSL_CERTPROBLEM.rawValue), Int(CURLE_SSL_CIPHER.rawValue),
             Int(CURLE_SSL_CACERT_BADFILE.rawValue), Int(CURLE_USE_SSL_FAILED.rawValue),
             Int(CURLE_SSL_ENGINE_NOTFOUND.rawValue), Int(CURLE_SSL_ENGINE_SETFAILED.rawValue),
             Int(CURLE_SSL_ENGINE_INITFAILED.rawValue), Int(CURLE_SSL_SHUTDOWN_FAILED.rawValue),
             Int(CURLE_SSL_CRL_BADFILE.rawValue), Int(CURLE_SSL_ISSUER_ERROR.rawValue),
             Int(CURLE_SSL_PINNEDPUBKEYNOTMATCH.rawValue), Int(CURLE_SSL_INVALIDCERTSTATUS.rawValue),
             Int(CURLE_SSL_CLIENTCERT.rawValue):
            self = .tls
        case Int(CURLE_LOGIN_DENIED.rawValue):
            self = .login
        case Int(CURLE_UNSUPPORTED_PROTOCOL.rawValue), Int(CURLE_URL_MALFORMAT.rawValue),
             Int(CURLE_BAD_FUNCTION_ARGUMENT.rawValue):
            self = .invalid
        default:
            self = .other
        }
    }
}
