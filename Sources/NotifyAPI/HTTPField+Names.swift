import HTTPTypes

extension HTTPField.Name {
    // A literal valid header name: the initialiser cannot fail here.
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
}
