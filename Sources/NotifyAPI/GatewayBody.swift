/// A gateway receipt body as decoded: one receipt, or `{receipts: [...]}`. Decoded into these types rather than
/// generic JSON because a batch holds hundreds of receipts; fields other than these are ignored.
enum GatewayBody: Decodable {
    case single(Item)
    case batch([Item])

    struct Item: Decodable {
        let id: String
        let status: String
        /// The provider's error code: a string, a number (kept as its text) or null; anything else makes the body unreadable.
        let error: String?
        /// What NotifyMe sent as the message's `reference` (the notification id), echoed back; nil when absent or not a string.
        let reference: String?

        private enum CodingKeys: String, CodingKey { case id, status, error, reference }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(String.self, forKey: .id)
            status = try c.decode(String.self, forKey: .status)
            reference = try? c.decodeIfPresent(String.self, forKey: .reference)
            if try !c.contains(.error) || c.decodeNil(forKey: .error) {
                error = nil
            } else if let code = try? c.decode(Int64.self, forKey: .error) {
                error = String(code)
            } else if let number = try? c.decode(Double.self, forKey: .error) {
                error = String(number)
            } else {
                error = try c.decode(String.self, forKey: .error)
            }
        }
    }

    private enum CodingKeys: String, CodingKey { case receipts }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if c.contains(.receipts) {
            self = .batch(try c.decode([Item].self, forKey: .receipts))
        } else {
            self = .single(try Item(from: decoder))
        }
    }
}
