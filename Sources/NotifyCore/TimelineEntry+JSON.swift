/// A timeline line as stored: the JSON `JSONEncoder` would write, without its cost on every status move.
extension TimelineEntry {
    public var jsonText: String {
        var out: [UInt8] = []
        out.reserveCapacity(detail.utf8.count + 72)
        out.append(contentsOf: #"{"at":""#.utf8)
        JSONText.appendISO8601(at, to: &out)
        out.append(contentsOf: #"","detail":"#.utf8)
        JSONText.appendQuoted(detail, to: &out)
        out.append(contentsOf: #","status":"#.utf8)
        JSONText.appendQuoted(status.rawValue, to: &out)
        out.append(0x7D)
        return String(decoding: out, as: UTF8.self)
    }
}
