import NotifyCore

extension APNsAdapter {
    /// APNs' limit for a notification's payload.
    static let payloadLimit = 4096

    /// `{"aps":{"alert":{"title","body"},"sound":"default"}, <data keys>}`; a body too long for the limit is shortened.
    func payload(for message: OutboundMessage) throws -> [UInt8] {
        func document(_ body: String) -> JSONValue {
            var alert: [String: JSONValue] = ["body": .string(body)]
            if let title = message.subject, !title.isEmpty { alert["title"] = .string(title) }
            // "aps" belongs to Apple: a data key of that name would replace the alert.
            var fields = message.data.filter { $0.key != "aps" }.mapValues { JSONValue.string($0) }
            fields["aps"] = .object(["alert": .object(alert), "sound": .string("default")])
            return .object(fields)
        }
        guard let payload = try PushPayload.fitted(message.body, limit: Self.payloadLimit, render: { try PushPayload.encode(document($0)) })
        else { throw ProviderError.permanent("\(name): the notification does not fit APNs' 4096-byte limit") }
        return payload
    }
}
