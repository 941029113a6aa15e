import CHiredis

extension RedisValue {
    /// Copies a hiredis reply tree into Swift values; the caller still frees `reply`.
    init(reply: UnsafePointer<redisReply>) {
        let node = reply.pointee
        switch node.type {
        case REDIS_REPLY_STRING:
            guard let str = node.str, node.len > 0 else {
                self = .bulk([])
                return
            }
            self = .bulk(Array(UnsafeRawBufferPointer(start: str, count: node.len)))
        case REDIS_REPLY_STATUS:
            self = .status(RedisValue.text(node))
        case REDIS_REPLY_ERROR:
            self = .error(RedisValue.text(node))
        case REDIS_REPLY_INTEGER:
            self = .integer(Int(node.integer))
        case REDIS_REPLY_NIL:
            self = .null
        case REDIS_REPLY_ARRAY:
            var elements: [RedisValue] = []
            elements.reserveCapacity(node.elements)
            if let children = node.element {
                for index in 0..<node.elements {
                    if let child = children[index] {
                        elements.append(RedisValue(reply: child))
                    } else {
                        elements.append(.null)
                    }
                }
            }
            self = .array(elements)
        default:
            self = .error("ERR unknown hiredis reply type \(node.type)")
        }
    }

    private static func text(_ node: redisReply) -> String {
        guard let str = node.str, node.len > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: str, count: node.len), as: UTF8.self)
    }
}
