import HTTPTypes

extension HTTPField.Name {
    // A literal valid header name: the initialiser cannot fail here.
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
}

extension HTTPField.Name {
    // Literal valid header names, as above.
    static let gatewaySignature = HTTPField.Name("X-Gateway-Signature")!
    static let twilioSignature = HTTPField.Name("X-Twilio-Signature")!
}

extension HTTPField.Name {
    // Literal valid header names, as above.
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}
