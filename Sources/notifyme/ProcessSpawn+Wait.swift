import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension ProcessSpawn {
    /// Waits for a child to exit without blocking a thread (it polls); its exit status, or 128 + the signal that ended it.
    static func exitStatus(of pid: pid_t) async -> Int32 {
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            // ECHILD: reaped elsewhere (a Ctrl-C handler); its status is not known.
            if reaped == -1 && errno == ECHILD { return -1 }
            try? await Task.sleep(for: .milliseconds(20))
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// Runs a command to its end; its exit status.
    static func run(_ args: [String], output: String, errors: String? = nil) async throws -> Int32 {
        let pid = try spawn(args, output: output, errors: errors)
        ChildRegistry.shared.add(pid)
        defer { ChildRegistry.shared.remove(pid) }
        return await exitStatus(of: pid)
    }
}
