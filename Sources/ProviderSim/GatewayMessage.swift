import NotifyCore

/// One message as a gateway request carries it: the members the gateway reads, each nil when absent or not a string.
struct GatewayMessage {
    var to: String?
    var text: String?
    var reference: String?
    var callbackUrl: String?
    var idempotencyKey: String?

    /// The members of a message sent alone.
    init(_ json: JSON) {
        to = json["to"]?.string
        text = json["text"]?.string
        reference = json["reference"]?.string
        callbackUrl = json["callbackUrl"]?.string
        idempotencyKey = json["idempotencyKey"]?.string
    }

    private init() {}

    /// A batch body's `messages`, each read member by member (a batch holds up to a thousand): nil for an element that
    /// is not an object. Nil when the body is not JSON or has no `messages` array.
    static func batch(_ bytes: [UInt8]) -> [GatewayMessage?]? {
        var scanner = JSONScanner(bytes)
        var messages: [GatewayMessage?]?
        let read = scanner.object { s, key in
            guard key == "messages", s.peek() == .array else { return s.skip() }
            var list: [GatewayMessage?] = []
            let array = s.array { s in
                guard s.peek() == .object else {
                    list.append(nil)
                    return s.skip()
                }
                var m = GatewayMessage()
                guard s.object({ m.read($1, from: &$0) }) else { return false }
                list.append(m)
                return true
            }
            messages = list
            return array
        }
        guard read, scanner.atEnd() else { return nil }
        return messages
    }

    /// Reads the member `key`'s value; false when it is not JSON.
    private mutating func read(_ key: String, from s: inout JSONScanner) -> Bool {
        guard s.peek() == .string else { return s.skip() }
        let value = s.string()
        switch key {
        case "to": to = value
        case "text": text = value
        case "reference": reference = value
        case "callbackUrl": callbackUrl = value
        case "idempotencyKey": idempotencyKey = value
        default: break
        }
        return value != nil
    }
}
