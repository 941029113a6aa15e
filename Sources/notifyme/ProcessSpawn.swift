import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Starts child processes (redis-server, NotifyMe workers for `bench`) and reads their memory.
enum ProcessSpawn {
    /// posix_spawnp in its own process group with default signal handling, so a Ctrl-C in the terminal
    /// reaches NotifyMe alone and NotifyMe decides when children stop. `environment` replaces the
    /// inherited one when given; `output` (a file) takes the child's stdout, and its stderr unless `errors` names another.
    static func spawn(_ args: [String], environment: [String: String]? = nil, output: String? = nil, errors: String? = nil) throws -> pid_t {
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        posix_spawnattr_setpgroup(&attr, 0)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attr, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let output {
            posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output, O_WRONLY | O_CREAT | O_APPEND, 0o600)
            if errors == nil { posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO) }
        }
        if let errors { posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, errors, O_WRONLY | O_CREAT | O_APPEND, 0o600) }
        var cargs: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var cenv: [UnsafeMutablePointer<CChar>?] = (environment ?? [:]).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in cenv { free(p) } }
        var pid: pid_t = 0
        let rc = environment == nil ? posix_spawnp(&pid, args[0], &actions, &attr, &cargs, environ)
            : posix_spawnp(&pid, args[0], &actions, &attr, &cargs, &cenv)
        guard rc == 0 else { throw SpawnError(description: "cannot start \(args[0]): \(String(cString: strerror(rc)))") }
        return pid
    }

    /// Exists and has not exited (a zombie waiting for its parent counts as exited).
    static func isAlive(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(close, offsetBy: 2)] != "Z"
    }

    /// Resident memory in bytes now (`VmRSS`) and at its peak (`VmHWM`), from /proc; nil once the process is gone.
    static func memory(of pid: pid_t) -> (current: Int, peak: Int)? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        func kib(_ field: String) -> Int? {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }) else { return nil }
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        }
        guard let rss = kib("VmRSS"), let hwm = kib("VmHWM") else { return nil }
        return (rss * 1024, hwm * 1024)
    }

    /// SIGTERM, then SIGKILL after `grace` seconds; reaps the child. True when it stopped on SIGTERM.
    @discardableResult
    static func stop(_ pid: pid_t, grace: Double = 10) -> Bool {
        guard kill(pid, SIGTERM) == 0 else { return true }
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline {
            let reaped = waitpid(pid, &status, WNOHANG)
            // ECHILD: another thread (a Ctrl-C handler, or the normal path) reaped it first.
            if reaped == pid || (reaped == -1 && errno == ECHILD) { return true }
            usleep(20_000)
        }
        kill(pid, SIGKILL)
        waitpid(pid, &status, 0)
        return false
    }
}

/// A child process that could not be started.
struct SpawnError: Error, CustomStringConvertible {
    let description: String
}
