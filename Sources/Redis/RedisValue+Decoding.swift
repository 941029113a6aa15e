extension RedisValue {
    /// The message of an error reply.
    public var errorMessage: String? {
        if case .error(let message) = self { return message }
        return nil
    }

    /// A number: integer, or a bulk/status that parses as a Double (ZSCORE, INCRBYFLOAT).
    public var double: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .bulk, .status: return string.flatMap { Double($0) }
        default: return nil
        }
    }

    /// An array of strings; nil if any element is not a string (a nil element included).
    public var strings: [String]? {
        guard let elements = array else { return nil }
        var result: [String] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            guard let text = element.string else { return nil }
            result.append(text)
        }
        return result
    }

    /// A flat field/value array (HGETALL, XRANGE entry fields) as a dictionary; later duplicates win.
    public var dictionary: [String: RedisValue]? {
        guard let elements = array, elements.count % 2 == 0 else { return nil }
        var result: [String: RedisValue] = [:]
        result.reserveCapacity(elements.count / 2)
        var index = 0
        while index < elements.count {
            guard let key = elements[index].string else { return nil }
            result[key] = elements[index + 1]
            index += 2
        }
        return result
    }

    /// Nearly every reply is ASCII, which needs no validation: the generic `String(validating:as:)` costs about
    /// twice the scan and `String(decoding:)`, on every field of every record read.
    static func utf8String(_ bytes: [UInt8]) -> String? {
        bytes.withUnsafeBufferPointer { buffer in
            for byte in buffer where byte >= 0x80 {
                return String(validating: buffer, as: UTF8.self)
            }
            return String(decoding: buffer, as: UTF8.self)
        }
    }

    static func parseInt(_ bytes: [UInt8]) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 20 else { return nil }
        var index = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") {
            negative = true
            index = 1
            guard bytes.count > 1 else { return nil }
        }
        var value = 0
        while index < bytes.count {
            let digit = Int(bytes[index]) - 48
            guard digit >= 0, digit <= 9 else { return nil }
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
            guard !o1, !o2 else { return nil }
            value = next
            index += 1
        }
        return value
    }
}
