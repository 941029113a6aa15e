/// A gateway receipt body as decoded: one receipt, or `{receipts: [...]}`. Decoded into these types rather than
/// generic JSON because a batch holds hundreds of receipts; fields other than these are ignored.
enum GatewayBody: Decodable {
    case single(Item)
    case batch([Item])

    struct Item: Decodable {
        let id: String
        let status: String
        /// The provider's error code; anything other than a string (null, a number) reads as none.
        let error: String?

        private enum CodingKeys: String, CodingKey { case id, status, error }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(String.self, forKey: .id)
            status = try c.decode(String.self, forKey: .status)
            error = (try? c.decodeIfPresent(String.self, forKey: .error)) ?? nil
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
