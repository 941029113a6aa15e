import Foundation

/// One process's stacks from `perf script` (`-F pid,ip,sym,dso`), folded: samples, each function's own samples and
/// module, and the samples each function was on the stack for (once per sample, however deep it recurs).
struct ProfileFolder: Sendable {
    var samples = 0
    var alone: [SymbolName: Int] = [:]
    var onStack: [SymbolName: Int] = [:]

    /// The modules whose inclusive time a profile lists: NotifyMe's own, the bench's simulator, and Redis's own code.
    static let ownModules: Set<String> = ["notifyme", "NotifyCore", "NotifyConfig", "NotifyStore", "NotifyAPI", "NotifyWorkers", "Redis",
                                          "Transport", "ProviderSim", "redis-server"]

    /// Whether `f` is code of one of ``ownModules``, named.
    static func isOwnCode(_ f: SymbolName) -> Bool {
        guard ownModules.contains(f.module), !f.name.hasSuffix(SymbolName.unnamed) else { return false }
        // Redis's C functions carry no module; a Swift name without one is a thunk.
        return f.module == "redis-server" || f.name.contains(".")
    }

    /// Folds `script` by process, naming each by `labels` (pid to label); other processes are left out.
    static func fold(_ script: Data, labels: [pid_t: String]) -> [String: ProfileFolder] {
        var folders: [String: ProfileFolder] = [:]
        var names: [Substring: SymbolName] = [:]
        var label: String?
        var stack: [SymbolName] = []
        func commit() {
            if let label, let first = stack.first { folders[label, default: ProfileFolder()].add(first, Set(stack)) }
            stack.removeAll(keepingCapacity: true)
            label = nil
        }
        let text = String(decoding: script, as: UTF8.self)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty { commit(); continue }
            guard line.first == "\t" else {
                commit()
                label = pid_t(line.trimmingCharacters(in: .whitespaces)).flatMap { labels[$0] }
                continue
            }
            guard label != nil else { continue }
            // "\t    4709b3 swift_retain (/path/libswiftCore.so)": the address, the symbol, the object in brackets.
            let frame = line.drop { $0 == "\t" || $0 == " " }.drop { $0 != " " }.dropFirst()
            if let known = names[frame] { stack.append(known); continue }
            guard let open = frame.range(of: " (", options: .backwards), frame.last == ")" else { continue }
            let name = SymbolName(symbol: String(frame[..<open.lowerBound]), object: String(frame[open.upperBound...].dropLast()))
            names[frame] = name
            stack.append(name)
        }
        commit()
        return folders
    }

    private mutating func add(_ top: SymbolName, _ functions: Set<SymbolName>) {
        samples += 1
        alone[top, default: 0] += 1
        for f in functions { onStack[f, default: 0] += 1 }
    }

    /// The figures of this process whose CPU per notification was `microseconds`: each share of the samples as
    /// a share of it.
    func profile(microseconds: Double, top: Int = 10) -> BenchSummary.Profile {
        let total = Double(max(1, samples))
        func shares(_ counts: [String: Int]) -> [BenchSummary.Profile.Share] {
            counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map {
                BenchSummary.Profile.Share(name: $0.key, percent: Double($0.value) * 100 / total, microseconds: Double($0.value) * microseconds / total)
            }
        }
        var modules = shares(Dictionary(alone.map { ($0.key.module, $0.value) }, uniquingKeysWith: +))
        if modules.count > top {
            let rest = modules[top...]
            modules = Array(modules[..<top]) + [BenchSummary.Profile.Share(name: "other", percent: rest.reduce(0) { $0 + $1.percent },
                                                                           microseconds: rest.reduce(0) { $0 + $1.microseconds })]
        }
        let own = onStack.filter { Self.isOwnCode($0.key) }
        return BenchSummary.Profile(samples: samples, modules: modules,
                                    functions: Array(shares(Dictionary(alone.map { ($0.key.name, $0.value) }, uniquingKeysWith: +)).prefix(top)),
                                    ownCode: Array(shares(Dictionary(own.map { ($0.key.name, $0.value) }, uniquingKeysWith: +)).prefix(top)))
    }
}
