extension RedisValue {
    /// An `INFO` reply's `name:value` lines as fields (section headers and blank lines left out); empty for any other reply.
    public var infoFields: [Substring: Substring] {
        var fields: [Substring: Substring] = [:]
        for line in (string ?? "").split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon]] = line[line.index(after: colon)...]
        }
        return fields
    }
}
