import Foundation

/// A function as a profile names it: Swift symbols demangled and cut to `Module.Type.function` (an async function's
/// parts, its closures and its specialisations all count as the function), others as perf gave them.
struct SymbolName: Hashable, Sendable {
    let name: String
    /// The Swift module, or the shared object's short name (`libc`, `kernel`, `redis-server`).
    let module: String

    init(symbol: String, object: String) {
        let swift = symbol.hasPrefix("$s") || symbol.hasPrefix("_$s")
        let plain = swift ? Self.demangle(symbol).map(Self.simplified) ?? symbol : symbol.contains("::") ? Self.withoutTemplates(symbol) : symbol
        let objectName = Self.objectName(object)
        name = plain == "[unknown]" ? objectName + Self.unnamed : plain
        module = swift && plain.contains(".") ? String(plain.prefix { $0 != "." }) : objectName
    }

    /// Ends the name of code perf found no symbol for (a stripped object's own functions), after the object's name.
    static let unnamed = " [no symbol]"

    /// `/usr/lib/x86_64-linux-gnu/libc.so.6` as `libc`, `[kernel.kallsyms]` as `kernel`.
    static func objectName(_ path: String) -> String {
        if path.hasPrefix("[kernel") { return "kernel" }
        let file = path.split(separator: "/").last.map(String.init) ?? path
        // Debian's redis-server is a link to this one binary.
        if file == "redis-check-rdb" { return "redis-server" }
        return file.range(of: ".so").map { String(file[..<$0.lowerBound]) } ?? file
    }

    /// Cuts a demangled Swift name to the function it belongs to.
    static func simplified(_ demangled: String) -> String {
        var s = Substring(demangled)
        let prefixes = ["merged ", "specialized ", "static ", "async function pointer to ", "partial apply forwarder for ",
                        "protocol witness for ", "dispatch thunk of "]
        while true {
            if let p = prefixes.first(where: { s.hasPrefix($0) }) {
                s = s.dropFirst(p.count)
            } else if s.hasPrefix("("), let rest = afterTopLevel(s, " partial function for ") {
                s = rest  // "(1) suspend resume partial function for f"
            } else if s.hasPrefix("generic specialization <") || s.hasPrefix("function signature specialization <"),
                      let rest = afterTopLevel(s, " of ") {
                s = rest
            } else if s.hasPrefix("outlined "), let rest = afterTopLevel(s, " of ") {
                s = rest  // "outlined copy of T", "outlined variable #0 of f"
            } else if s.hasPrefix("closure #") || s.hasPrefix("implicit closure #"), let rest = afterTopLevel(s, " in ") {
                s = rest
            } else {
                break
            }
        }
        if s.hasPrefix("reabstraction thunk") { return "reabstraction thunk" }
        if s.hasPrefix("type metadata") { return "type metadata" }
        // "destroy value witness for T": copying or destroying a value of T.
        if let witness = s.range(of: " value witness for ") { return simplified(String(s[witness.upperBound...])) + "." + s[..<witness.lowerBound] }
        // A private name: `(record in _A06A...)`.
        var text = String(s).replacingOccurrences(of: #"\(([^() ]+) in _[0-9A-F]+\)"#, with: "$1", options: .regularExpression)
        if text.hasPrefix("(extension in "), let colon = text.firstIndex(of: ":") { text = String(text[text.index(after: colon)...]) }
        let end = text.firstIndex { $0 == "(" || $0 == " " || $0 == "<" } ?? text.endIndex
        return String(text[..<end])
    }

    /// A C++ name as perf demangles it without its template arguments and parameters: `swift::Map::getOrInsert`.
    static func withoutTemplates(_ symbol: String) -> String {
        var depth = 0
        var out = ""
        for ch in symbol {
            if ch == "<" { depth += 1 } else if ch == ">" { depth = max(0, depth - 1) } else if depth == 0 {
                if ch == "(" { break }
                out.append(ch)
            }
        }
        return out
    }

    /// What follows the first `marker` outside brackets in `s`.
    private static func afterTopLevel(_ s: Substring, _ marker: String) -> Substring? {
        var depth = 0
        var i = s.startIndex
        while i < s.endIndex {
            switch s[i] {
            case "(", "<", "[": depth += 1
            case ")", ">", "]": depth = max(0, depth - 1)
            default:
                if depth == 0, s[i...].hasPrefix(marker) { return s[s.index(i, offsetBy: marker.count)...] }
            }
            i = s.index(after: i)
        }
        return nil
    }

    /// The Swift runtime's demangler (no tool needed on the machine); nil when the symbol is not one it reads.
    static func demangle(_ symbol: String) -> String? {
        symbol.withCString { pointer in
            guard let out = swiftDemangle(pointer, UInt(strlen(pointer)), nil, nil, 0) else { return nil }
            defer { free(out) }
            return String(cString: out)
        }
    }
}

/// `swift_demangle` from the Swift runtime: returns a malloc'd string the caller frees.
@_silgen_name("swift_demangle")
private func swiftDemangle(_ mangled: UnsafePointer<CChar>?, _ length: UInt, _ output: UnsafeMutablePointer<CChar>?,
                           _ outputSize: UnsafeMutablePointer<UInt>?, _ flags: UInt32) -> UnsafeMutablePointer<CChar>?
