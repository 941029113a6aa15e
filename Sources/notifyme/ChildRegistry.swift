import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The child processes a command started, so that Ctrl-C or SIGTERM stops them too: they run in their own
/// process groups (a terminal's Ctrl-C reaches the parent alone) and would otherwise outlive it.
final class ChildRegistry: @unchecked Sendable {
    // @unchecked: `pids` and `sources` are only touched while holding `lock`.
    private let lock = NSLock()
    private var pids: [pid_t] = []
    private var sources: [any DispatchSourceSignal] = []
    private var interrupted = false

    /// Whether a signal has started the shutdown; the handler ends the process when it is done.
    var isInterrupted: Bool { lock.withLock { interrupted } }

    static let shared = ChildRegistry()

    func add(_ pid: pid_t) { lock.withLock { pids.append(pid) } }
    func remove(_ pid: pid_t) { lock.withLock { pids.removeAll { $0 == pid } } }

    /// On SIGINT or SIGTERM: SIGTERM to every registered child, wait for them (newest first, so Redis goes
    /// last), run `cleanup`, and exit 130.
    func stopChildrenOnInterrupt(cleanup: @escaping @Sendable () -> Void) {
        lock.withLock {
            for sig in [SIGINT, SIGTERM] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler { [self] in
                    guard lock.withLock({ let first = !interrupted; interrupted = true; return first }) else { return }
                    FileHandle.standardError.write(Data("\ninterrupted: stopping what was started\n".utf8))
                    for pid in lock.withLock({ pids.reversed() }) { ProcessSpawn.stop(pid, grace: 10) }
                    cleanup()
                    exit(130)
                }
                source.resume()
                sources.append(source)
            }
        }
    }
}
