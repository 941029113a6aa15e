import NotifyCore

/// A gateway receipt body: one receipt, or `{receipts: [...]}`. Read member by member rather than as generic JSON or
/// with `Decodable`, because a batch holds hundreds of receipts and one comes for every message; other members are
/// checked as JSON and ignored.
enum GatewayBody: Equatable {
    case single(Item)
    case batch([Item])

    struct Item: Equatable {
        var id: String
        var status: String
        /// The provider's error code: a string, a number (kept as its text) or null; anything else makes the body unreadable.
        var error: String?
        /// What NotifyMe sent as the message's `reference` (the notification id), echoed back; nil when absent or not a string.
        var reference: String?
    }

    /// The body's receipts; nil when it is not JSON, or not a receipt nor an object with `receipts` (an array of them).
    static func parse(_ bytes: [UInt8]) -> GatewayBody? {
        var scanner = JSONScanner(bytes)
        var single = PartialItem()
        var receipts: [Item]?
        var batch = false
        let read = scanner.object { s, key in
            guard key == "receipts" else { return single.read(key, from: &s) }
            batch = true
            var items: [Item] = []
            let array = s.array { s in
                var each = PartialItem()
                guard s.object({ each.read($1, from: &$0) }), let item = each.item else { return false }
                items.append(item)
                return true
            }
            receipts = array ? items : nil
            return array
        }
        guard read, scanner.atEnd() else { return nil }
        // A batch's own members beside `receipts` are not a receipt, whatever their types.
        return batch ? receipts.map(GatewayBody.batch) : single.item.map(GatewayBody.single)
    }

    /// One receipt's members as they are read.
    private struct PartialItem {
        var id: String?
        var status: String?
        var error: String?
        var reference: String?
        /// A member of the wrong type (an id that is not a string, an error that is an array): not a receipt.
        var mistyped = false

        var item: Item? {
            guard !mistyped, let id, let status else { return nil }
            return Item(id: id, status: status, error: error, reference: reference)
        }

        /// Reads the member `key`'s value; false only when it is not JSON.
        mutating func read(_ key: String, from s: inout JSONScanner) -> Bool {
            switch (key, s.peek()) {
            case ("id", .string?):
                id = s.string()
                return id != nil
            case ("status", .string?):
                status = s.string()
                return status != nil
            case ("reference", .string?):
                reference = s.string()
                return reference != nil
            case ("error", .string?):
                error = s.string()
                return error != nil
            case ("error", .number?):
                guard let text = s.number() else { return false }
                if let code = Int64(text) {
                    error = String(code)
                } else if let number = Double(text), number.isFinite {
                    error = String(number)
                } else {
                    return false
                }
                return true
            case ("error", .null?):
                error = nil
                return s.null()
            case ("id", _), ("status", _), ("error", _):
                mistyped = true
                return s.skip()
            // A reference that is not a string names nothing: the message id finds the notification.
            case ("reference", _):
                reference = nil
                return s.skip()
            default: return s.skip()
            }
        }
    }
}
