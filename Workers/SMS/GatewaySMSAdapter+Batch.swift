import Foundation
import NotifyCore
import Transport

extension GatewaySMSAdapter {
    /// Sends `messages` in one request (a single one alone, on the messages resource). A refusal of the whole request
    /// (an outage, a wrong key, throttling) is every message's; otherwise each message has its own result.
    func send(batch messages: [OutboundMessage]) async -> [SendBatcher.Outcome] {
        if messages.count == 1, let message = messages.first {
            do { return [.success(try await sendAlone(message))] } catch { return [.failure(ProviderError.from(error, provider: name))] }
        }
        var body = Array(#"{"messages":["#.utf8)
        for (i, message) in messages.enumerated() {
            if i > 0 { body.append(UInt8(ascii: ",")) }
            var item = fields(message)
            item["idempotencyKey"] = message.idempotencyKey
            body += JSONText.object(item)
        }
        body += Array("]}".utf8)
        let whole: ProviderError
        do {
            let response = try await transport.execute(post(configuration.url + "/batch", body: body, idempotencyKey: nil))
            if (200..<300).contains(response.status) {
                if let answer = BatchAnswer.parse(response.body), answer.results.count == messages.count {
                    return answer.results.map(outcome)
                }
                // Which messages went is unknown: sent again with the same keys, the accepted ones are not sent twice.
                whole = .transient("\(name): unreadable batch answer")
            } else {
                whole = classify(response)
            }
        } catch {
            whole = ProviderError.from(error, provider: name)
        }
        return Array(repeating: .failure(whole), count: messages.count)
    }

    /// One message's result within a batch answer, classified as the same refusal of a message sent alone would be.
    func outcome(_ result: BatchAnswer.Result) -> SendBatcher.Outcome {
        if !result.refused, result.status == "accepted" || result.id != nil {
            return .success(ProviderAcceptance(messageId: result.id ?? "unknown"))
        }
        let code = result.code ?? result.status ?? "unknown error"
        switch code {
        case "invalid_number": return .failure(.permanent("\(name): invalid phone number"))
        case "invalid_request": return .failure(.permanent("\(name): message refused (invalid_request)"))
        case "rate_limited":
            let wait = result.retryAfter.flatMap { $0 >= 0 && $0.isFinite ? Duration.milliseconds(Int64(min($0, 3600) * 1000)) : nil }
            return .failure(.transient("\(name): rate_limited", retryAfter: wait))
        default: return .failure(.transient("\(name): \(code)"))
        }
    }
}
