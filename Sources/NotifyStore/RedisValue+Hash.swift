import Redis

extension RedisValue {
    /// A flat field/value list (HGETALL, a stream entry) as a dictionary; empty for nil or a missing key.
    var hash: [String: String] {
        guard let items = array else { return [:] }
        var result: [String: String] = [:]
        result.reserveCapacity(items.count / 2)
        var i = 0
        while i + 1 < items.count {
            if let k = items[i].string, let v = items[i + 1].string { result[k] = v }
            i += 2
        }
        return result
    }
}
