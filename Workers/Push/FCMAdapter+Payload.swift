import NotifyCore

extension FCMAdapter {
    /// FCM's limit for the notification and data of one message.
    static let payloadLimit = 4000

    /// The `messages:send` body: `{"message":{"token","notification","data","android","apns"}}`.
    /// A body too long for FCM's limit is shortened; a title that alone is too long is permanent.
    func payload(for message: OutboundMessage, token: String) throws -> [UInt8] {
        let deliverable = Self.deliverableData(message.data)
        let data = PushPayload.object(deliverable)
        func content(_ body: String) -> [String: JSONValue] {
            var notification: [String: JSONValue] = ["body": .string(body)]
            if let title = message.subject, !title.isEmpty { notification["title"] = .string(title) }
            var fields: [String: JSONValue] = ["notification": .object(notification)]
            if !deliverable.isEmpty { fields["data"] = data }  // no empty {} for FCM to validate
            return fields
        }
        // FCM has no idempotency key: a send retried after a crash that hid its acceptance reaches the device again.
        // The same tag (and APNs collapse id) on every attempt makes the device replace the notification it shows
        // instead of showing a second one.
        let tag = JSONValue.string(PushIdempotency.uuid(for: message.idempotencyKey))
        let priority = JSONValue.string(message.urgent ? "high" : "normal"), apnsPriority = JSONValue.string(message.urgent ? "10" : "5")
        func document(_ body: String) throws -> [UInt8] {
            var fields = content(body)
            fields["token"] = .string(token)
            fields["android"] = .object(["priority": priority, "collapse_key": tag, "notification": .object(["tag": tag])])
            // Firebase forwards to APNs for iOS devices: the same urgency there.
            fields["apns"] = .object(["headers": .object(["apns-priority": apnsPriority, "apns-collapse-id": tag])])
            return try PushPayload.encode(.object(["message": .object(fields)]))
        }
        // The limit is on the notification and data; the whole message holds them, so a whole message within it needs
        // no look at its parts.
        let whole = try document(message.body)
        if whole.count <= Self.payloadLimit { return whole }
        guard let body = try PushPayload.fitting(message.body, limit: Self.payloadLimit, size: {
            try PushPayload.encode(.object(content($0))).count
        }) else { throw ProviderError.permanent("\(name): the notification does not fit FCM's 4000-byte limit") }
        return try document(body)
    }

    /// `data` without the keys FCM reserves (it refuses the whole message with INVALID_ARGUMENT for them).
    static func deliverableData(_ data: [String: String]) -> [String: String] {
        data.filter { key, _ in
            let lower = key.lowercased()
            return !key.isEmpty && !["from", "notification", "message_type"].contains(lower)
                && !lower.hasPrefix("google") && !lower.hasPrefix("gcm")
        }
    }
}
