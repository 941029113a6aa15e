/// A timeline line as stored: the JSON `JSONEncoder` would write, without its cost on every status move.
extension TimelineEntry {
    public var jsonText: String {
        var out: [UInt8] = Array(#"{"at":""#.utf8)
        out += Array(JSONText.iso8601(at).utf8)
        out += Array(#"","detail":"#.utf8)
        JSONText.appendQuoted(detail, to: &out)
        out += Array(#","status":"#.utf8)
        JSONText.appendQuoted(status.rawValue, to: &out)
        out.append(0x7D)
        return String(decoding: out, as: UTF8.self)
    }
}
