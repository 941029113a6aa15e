import NotifyCore

extension GatewaySMSAdapter {
    /// The batch resource's answer: one result per message, in order.
    struct BatchAnswer: Equatable {
        struct Result: Equatable {
            var id: String?
            var status: String?
            /// An `error` member came: the message was refused, with `code` when the error named one.
            var refused = false
            var code: String?
            var retryAfter: Double?

            /// Reads the member `key`'s value; false when it is not JSON or has the wrong type.
            mutating func read(_ key: String, from s: inout JSONScanner) -> Bool {
                if s.peek() == .null { return s.null() }
                switch key {
                case "id":
                    id = s.string()
                    return id != nil
                case "status":
                    status = s.string()
                    return status != nil
                case "retryAfter":
                    retryAfter = s.number().flatMap(Double.init)
                    return retryAfter != nil
                case "error":
                    refused = true
                    return s.object { s, key in
                        guard key == "code" else { return s.skip() }
                        if s.peek() == .null { return s.null() }
                        code = s.string()
                        return code != nil
                    }
                default: return s.skip()
                }
            }
        }

        var results: [Result]

        /// `{"results": [{id?, status?, error?: {code?}, retryAfter?}, ...]}`, read member by member (a batch answers
        /// for up to a thousand messages); nil when it is not that, or a member has the wrong type. Other members are
        /// checked as JSON and ignored; null counts as absent.
        static func parse(_ bytes: [UInt8]) -> BatchAnswer? {
            var scanner = JSONScanner(bytes)
            var results: [Result]?
            let read = scanner.object { s, key in
                guard key == "results" else { return s.skip() }
                var list: [Result] = []
                guard s.array({ s in
                    var r = Result()
                    guard s.object({ r.read($1, from: &$0) }) else { return false }
                    list.append(r)
                    return true
                }) else { return false }
                results = list
                return true
            }
            guard read, scanner.atEnd(), let results else { return nil }
            return BatchAnswer(results: results)
        }
    }
}
