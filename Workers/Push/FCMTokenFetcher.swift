import Foundation
import Logging
import Transport

/// Trades the service account's signed assertion for an access token at its `token_uri`.
struct FCMTokenFetcher: Sendable {
    let account: FCMServiceAccount
    let http: any PushHTTPClient
    let configuration: FCMConfiguration
    let logger: Logger

    private struct Answer: Decodable {
        var access_token: String?
        var expires_in: Double?
        var error: String?
    }

    func fetch() async throws -> FCMTokenCache.Grant {
        let provider = configuration.name
        let assertion: String
        do { assertion = try await account.assertion(now: Date()) } catch {
            throw ProviderError(.transient, "\(provider): cannot sign the token request", countsAgainstProvider: true)
        }
        let form = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=\(assertion)"
        let request = HTTPRequest(
            method: "POST", url: account.tokenURI,
            headers: [HTTPHeader(name: "Content-Type", value: "application/x-www-form-urlencoded")],
            body: Array(form.utf8), timeout: configuration.timeout, connectTimeout: configuration.connectTimeout, httpVersion: .http2TLS
        )
        let response: HTTPResponse
        do { response = try await http.execute(request) } catch let error as CancellationError { throw error } catch {
            throw ProviderError.from(error, provider: "\(provider) token endpoint")
        }
        let answer = try? JSONDecoder().decode(Answer.self, from: Data(response.body))
        guard (200..<300).contains(response.status) else {
            let reason = answer?.error.map(PushErrorReason.sanitized)
            if response.status == 400 || response.status == 401 || response.status == 403 {
                // invalid_grant and friends: our key, account or clock is wrong, not the recipient.
                let what = reason.map { "HTTP \(response.status) \($0)" } ?? "HTTP \(response.status)"
                throw ProviderError(.transient, "\(provider): token endpoint refused the credentials (\(what))",
                                    retryAfter: ProviderError.retryAfter(response), countsAgainstProvider: true)
            }
            throw ProviderError.fromStatus(response, provider: "\(provider) token endpoint", reason: reason)
        }
        guard let token = answer?.access_token, !token.isEmpty, let expiresIn = answer?.expires_in, expiresIn > 0 else {
            throw ProviderError.transient("\(provider): token endpoint answer has no access_token and expires_in")
        }
        logger.debug("fetched an FCM access token", metadata: ["provider": "\(provider)", "expiresIn": "\(Int(expiresIn))"])
        return FCMTokenCache.Grant(token: token, expiresIn: expiresIn)
    }
}
