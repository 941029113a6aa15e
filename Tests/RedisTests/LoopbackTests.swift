import Foundation
import NotifyTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The readiness probes every suite polls with must never touch a descriptor they do not own.
@Suite(.timeLimit(.minutes(1)))
struct LoopbackTests {
    /// A refused probe once closed its socket twice; the second close hit whatever another thread had
    /// opened under that number meanwhile, and a Redis client's connect failed with EBADF.
    @Test func refusedProbesCloseOnlyTheirOwnSocket() async throws {
        let closed = try Loopback.freePort()
        let lost = try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                try await OffPool.run {
                    for _ in 0..<3000 { #expect(!Loopback.isListening(port: closed)) }
                    return 0
                }
            }
            group.addTask {
                try await OffPool.run {
                    var lost = 0
                    for _ in 0..<20000 {
                        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                        guard fd >= 0 else { continue }
                        sched_yield()
                        // EBADF here: somebody else closed the descriptor this thread just opened.
                        if fcntl(fd, F_GETFD) == -1 { lost += 1 } else { close(fd) }
                    }
                    return lost
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(lost == 0, "\(lost) descriptors were closed by a probe that did not own them")
    }
}
