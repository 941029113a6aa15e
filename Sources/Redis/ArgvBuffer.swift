/// Reusable argv/argvlen arrays for `redisAppendCommandArgv`, owned by one connection thread.
///
/// The pointers point into the command's own storage (its arguments back to back), which hiredis reads while
/// formatting the command into its output buffer: nothing is copied on the way.
final class ArgvBuffer {
    private var argv: UnsafeMutablePointer<UnsafePointer<CChar>?>
    private var lengths: UnsafeMutablePointer<Int>
    private var argCapacity: Int
    /// What an empty argument points at: hiredis copies zero bytes from it, but a null pointer is not a valid source.
    private let empty: UnsafeMutablePointer<CChar>

    init() {
        argCapacity = 16
        argv = .allocate(capacity: argCapacity)
        lengths = .allocate(capacity: argCapacity)
        empty = .allocate(capacity: 1)
        empty.initialize(to: 0)
    }

    deinit {
        argv.deallocate()
        lengths.deallocate()
        empty.deallocate()
    }

    /// Calls `body` with argc, argv and argvlen for `command`; the pointers are valid only inside `body`.
    func withArgv<Result>(
        _ command: RedisCommand,
        _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> Result
    ) -> Result {
        let count = command.count
        reserve(arguments: count)
        return command.storage.withUnsafeBufferPointer { bytes in
            let base = bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
            var start = 0
            for (index, end) in command.ends.enumerated() {
                argv[index] = end > start ? base.map { $0 + start } ?? UnsafePointer(empty) : UnsafePointer(empty)
                lengths[index] = end - start
                start = end
            }
            return body(Int32(count), argv, UnsafePointer(lengths))
        }
    }

    private func reserve(arguments: Int) {
        guard arguments > argCapacity else { return }
        argv.deallocate()
        lengths.deallocate()
        argCapacity = max(arguments, argCapacity * 2)
        argv = .allocate(capacity: argCapacity)
        lengths = .allocate(capacity: argCapacity)
    }
}
