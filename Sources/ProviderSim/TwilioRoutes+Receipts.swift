extension TwilioRoutes {
    /// Twilio calls back twice: "sent", then "delivered" (or "undelivered"/"failed" with an ErrorCode).
    func scheduleReceipts(for message: SimulatedMessage, from: String, callback: String) {
        let behaviour = simulator.behaviour(.twilio)
        guard behaviour.receipts else { return }
        let final: (status: String, errorCode: String?) = if simulator.isDead(.twilio, message.recipient) {
            ("failed", "30005")  // unknown destination handset
        } else if behaviour.failedReceiptRate > 0 && Double.random(in: 0..<1) < behaviour.failedReceiptRate {
            ("undelivered", "30003")  // unreachable destination handset
        } else {
            ("delivered", nil)
        }
        let half = simulator.configuration.receiptDelay / 2
        let statuses: [(status: String, errorCode: String?)] = [("sent", nil), final]
        let posts = statuses.map { status, errorCode in
            let parameters = parameters(for: message, from: from, status: status, errorCode: errorCode)
            let signing = ReceiptJob.Signing.twilio(
                authToken: simulator.baseCredentials.twilio.authToken, parameters: parameters,
                idempotencyToken: "\(message.messageId)-\(status)"
            )
            return ReceiptJob.Post(
                delay: half, url: callback, contentType: "application/x-www-form-urlencoded",
                body: Array(FormEncoding.encode(parameters).utf8), signing: signing
            )
        }
        simulator.enqueue(ReceiptJob(provider: .twilio, posts: posts))
    }

    private func parameters(for message: SimulatedMessage, from: String, status: String, errorCode: String?) -> [(name: String, value: String)] {
        var parameters: [(name: String, value: String)] = [
            ("AccountSid", simulator.baseCredentials.twilio.accountSid), ("ApiVersion", "2010-04-01"),
            ("From", from), ("MessageSid", message.messageId), ("MessageStatus", status),
            ("SmsSid", message.messageId), ("SmsStatus", status), ("To", message.recipient),
        ]
        if let errorCode { parameters.append(("ErrorCode", errorCode)) }
        return parameters
    }
}
