import Foundation

/// A one-line progress bar on stderr, redrawn in place on a terminal and printed at most once a second otherwise.
final class ProgressBar {
    private let terminal = isatty(STDERR_FILENO) == 1
    private var lastPrinted = Date.distantPast
    private let width = 30

    func show(done: Int, total: Int, note: String) {
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
        let filled = Int(fraction * Double(width))
        let line = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            + "\(done)/\(total) (\(Int(fraction * 100))%) \(note)"
        if terminal {
            FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
        } else if Date().timeIntervalSince(lastPrinted) >= 1 || done == total {
            lastPrinted = Date()
            FileHandle.standardError.write(Data("\(line)\n".utf8))
        }
    }

    func finish() {
        if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
