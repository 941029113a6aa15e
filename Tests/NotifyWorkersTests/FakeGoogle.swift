import Synchronization
import Transport
@testable import NotifyWorkers

/// A stand-in for Google: the token endpoint and messages:send.
struct FakeGoogle {
    final class State: Sendable {
        let tokenFetches = Mutex(0)
        let sendAnswers = Mutex<[HTTPResponse]>([])
    }

    let state = State()
    let http: PushStubHTTP
    var tokenFetches: Int { state.tokenFetches.withLock { $0 } }

    init() {
        let state = self.state
        http = PushStubHTTP { request in
            guard request.url.hasSuffix("/token") else {
                return state.sendAnswers.withLock { $0.isEmpty ? nil : $0.removeFirst() }
                    ?? pushResponse(200, #"{"name":"projects/notifyme-test/messages/0:1500415314455276%31bd1c9631bd1c96"}"#)
            }
            let form = String(decoding: request.body ?? [], as: UTF8.self)
            let n = state.tokenFetches.withLock { $0 += 1; return $0 }
            try await Task.sleep(for: .milliseconds(20))  // long enough for concurrent sends to pile up
            guard form.hasPrefix("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=ey") else {
                return pushResponse(400, #"{"error":"unsupported_grant_type"}"#)
            }
            return pushResponse(200, #"{"access_token":"ya29.token-\#(n)","expires_in":3599,"token_type":"Bearer"}"#)
        }
    }

    func answerSends(_ answers: [HTTPResponse]) { state.sendAnswers.withLock { $0 = answers } }
}
