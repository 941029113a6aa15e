import NotifyCore
import Transport

extension WebPushAdapter {
    /// The plaintext `{"title","body","data"}`, its body shortened to fit one record, encrypted for the subscription.
    func encryptedBody(for message: OutboundMessage, subscription: Device.WebPushSubscription) throws -> [UInt8] {
        guard let p256dh = Base64URL.decode(subscription.p256dh), let auth = Base64URL.decode(subscription.auth) else {
            throw ProviderError.deadRecipient("\(name): the subscription keys are not base64url")
        }
        func document(_ body: String) -> JSONValue {
            var fields: [String: JSONValue] = ["body": .string(body), "data": PushPayload.object(message.data)]
            if let title = message.subject { fields["title"] = .string(title) }
            return .object(fields)
        }
        let limit = WebPushEncryption.maxPlaintextLength
        guard let plaintext = try PushPayload.fitted(message.body, limit: limit, render: { try PushPayload.encode(document($0)) }) else {
            throw ProviderError.permanent("\(name): the notification does not fit Web Push's 3993-byte limit")
        }
        do {
            return try WebPushEncryption.encrypt(plaintext, p256dh: p256dh, auth: auth)
        } catch let error as WebPushEncryptionError where error.isInvalidSubscription {
            // Keys that are not a P-256 point or a 16-byte secret can never be encrypted for.
            throw ProviderError.deadRecipient("\(name): \(error.problem)")
        } catch {
            throw ProviderError.permanent("\(name): cannot encrypt the message")
        }
    }

    /// RFC 8030 and 8292 request headers. `Topic` comes from the idempotency key, so a resend replaces an
    /// undelivered copy at the push service instead of adding another.
    func headers(for message: OutboundMessage, authorization: String) -> [HTTPHeader] {
        [
            HTTPHeader(name: "Authorization", value: authorization),
            HTTPHeader(name: "Content-Encoding", value: "aes128gcm"),
            HTTPHeader(name: "Content-Type", value: "application/octet-stream"),
            HTTPHeader(name: "TTL", value: String(configuration.ttl.components.seconds)),
            HTTPHeader(name: "Urgency", value: message.urgent ? "high" : "normal"),
            HTTPHeader(name: "Topic", value: PushIdempotency.topic(for: message.idempotencyKey)),
        ]
    }
}
