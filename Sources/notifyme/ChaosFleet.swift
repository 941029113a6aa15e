import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The NotifyMe processes of a chaos run, one per role, each of which may be killed and started again.
final class ChaosFleet: @unchecked Sendable {
    /// One process each: the API alone, and a worker process per role.
    enum Role: String, CaseIterable, Sendable {
        case api, fanout, sms, email, push, scheduler

        var arguments: [String] { self == .api ? ["api"] : ["worker", rawValue] }
    }

    // @unchecked: `running` and `starts` are only touched while holding `lock`.
    private let lock = NSLock()
    private var running: [Role: BenchService] = [:]
    /// The newest process of each role, killed or not, for its log.
    private var latest: [Role: BenchService] = [:]
    private var starts: [Role: Int] = [:]
    private var selfExited: [Role] = []
    private let stack: BenchStack
    private let http: BenchHTTP

    init(stack: BenchStack, http: BenchHTTP) {
        self.stack = stack
        self.http = http
    }

    /// Starts every role; returns once the API answers ready.
    func startAll() async throws {
        for role in Role.allCases { try await start(role) }
    }

    /// Starts `role`; each start logs to its own file (`sms-2.log` for the second sms process).
    func start(_ role: Role) async throws {
        let n = lock.withLock { () -> Int in starts[role, default: 0] += 1; return starts[role, default: 1] }
        let service = try await stack.startService("\(role.rawValue)-\(n)", role.arguments, waitForAPI: role == .api, http: http)
        lock.withLock {
            running[role] = service
            latest[role] = service
        }
    }

    /// SIGKILL: the process gets no chance to finish or hand back anything.
    func kill(_ role: Role) {
        guard let service = lock.withLock({ running.removeValue(forKey: role) }) else { return }
        Glibc.kill(service.pid, SIGKILL)
        var status: Int32 = 0
        waitpid(service.pid, &status, 0)
        ChildRegistry.shared.remove(service.pid)
    }

    /// Roles whose process exited on its own (not killed by the run), in order; each was started again.
    var exitedOnTheirOwn: [Role] { lock.withLock { selfExited } }

    /// Starts again any process that exited without being killed, and remembers that it did.
    func reviveExited() async throws {
        let gone = lock.withLock { () -> [Role] in
            let roles = running.filter { !$0.value.isRunning }.map(\.key)
            for role in roles { running[role] = nil }
            selfExited += roles
            return roles
        }
        for role in gone { try await start(role) }
    }

    /// The end of the log of the role's newest process.
    func logTail(_ role: Role) -> String { lock.withLock { latest[role]?.logTail ?? "" } }

    /// Peak resident memory of each role's current process.
    func peakMemory() -> [String: Int] {
        lock.withLock { Dictionary(uniqueKeysWithValues: running.map { ($0.key.rawValue, $0.value.peakMemory) }) }
    }

    /// Graceful stop of every process, the API last so receipts are taken until the end.
    func stopAll() {
        let all = lock.withLock { () -> [(Role, BenchService)] in defer { running.removeAll() }; return running.map { ($0.key, $0.value) } }
        for (_, service) in all.sorted(by: { ($0.0 == .api ? 1 : 0) < ($1.0 == .api ? 1 : 0) }) { service.stop(grace: 15) }
    }
}
