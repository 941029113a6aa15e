/// Finds the data names a Mustache template reads, so a publish can be refused when one is missing.
enum TemplateVariables {
    /// Top-level names of `{{name}}`, `{{{name}}}`, `{{&name}}` and section tags; dotted paths count by their first part.
    static func names(in source: String) -> Set<String> {
        var names = Set<String>()
        var rest = Substring(source)
        while let open = rest.range(of: "{{") {
            rest = rest[open.upperBound...]
            guard let close = rest.range(of: "}}") else { break }
            var tag = rest[..<close.lowerBound]
            rest = rest[close.upperBound...]
            if tag.hasPrefix("{") { tag = tag.dropFirst() }
            guard let sigil = tag.first else { continue }
            // Comments, partials, pragmas and section ends name nothing new; inverted sections may be absent.
            if "!>%/^=".contains(sigil) { continue }
            if sigil == "&" || sigil == "#" { tag = tag.dropFirst() }
            let name = tag.trimmingWhitespace().split(separator: ".").first.map(String.init) ?? ""
            if !name.isEmpty { names.insert(name) }
        }
        return names
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return s
    }
}
