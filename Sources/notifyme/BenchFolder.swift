import Foundation
import NotifyStore

/// The working folder of `notifyme bench` or `notifyme chaos` (configuration, logs, Redis data): removed at the end,
/// also on Ctrl-C or SIGTERM, which stop the children first; kept and named with `--keep`.
struct BenchFolder: Sendable {
    let path: String
    let cleanup: @Sendable () -> Void

    static func create(_ name: String, keep: Bool, report: BenchReport) throws -> BenchFolder {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("notifyme-\(name)-\(Digest.randomID(prefix: "").prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let cleanup: @Sendable () -> Void = {
            if keep { report.line("working folder kept: \(path)") } else { try? FileManager.default.removeItem(atPath: path) }
        }
        ChildRegistry.shared.stopChildrenOnInterrupt(cleanup: cleanup)
        return BenchFolder(path: path, cleanup: cleanup)
    }
}
