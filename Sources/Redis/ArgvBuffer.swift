/// Reusable argv/argvlen arrays for `redisAppendCommandArgv`, owned by one connection thread.
///
/// Arguments are copied once into `bytes` because hiredis needs all pointers at the same time and a
/// Swift array only lends its storage inside a closure; hiredis then formats them into its own buffer.
final class ArgvBuffer {
    private var argv: UnsafeMutablePointer<UnsafePointer<CChar>?>
    private var lengths: UnsafeMutablePointer<Int>
    private var argCapacity: Int
    private var bytes: UnsafeMutablePointer<CChar>
    private var byteCapacity: Int

    private static let initialBytes = 16 * 1024
    /// Beyond this, a buffer grown for one huge command is given back after use.
    private static let retainedBytes = 1024 * 1024

    init() {
        argCapacity = 16
        argv = .allocate(capacity: argCapacity)
        lengths = .allocate(capacity: argCapacity)
        byteCapacity = ArgvBuffer.initialBytes
        bytes = .allocate(capacity: byteCapacity)
    }

    deinit {
        argv.deallocate()
        lengths.deallocate()
        bytes.deallocate()
    }

    /// Calls `body` with argc, argv and argvlen for `command`; the pointers are valid only inside `body`.
    func withArgv<Result>(
        _ command: RedisCommand,
        _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> Result
    ) -> Result {
        let args = command.arguments
        reserve(arguments: args.count, bytes: args.reduce(0) { $0 + $1.count })
        var offset = 0
        for index in args.indices {
            let arg = args[index]
            let destination = bytes + offset
            arg.withUnsafeBytes { source in
                if let base = source.baseAddress, source.count > 0 {
                    UnsafeMutableRawPointer(destination).copyMemory(from: base, byteCount: source.count)
                }
            }
            argv[index] = UnsafePointer(destination)
            lengths[index] = arg.count
            offset += arg.count
        }
        return body(Int32(args.count), argv, UnsafePointer(lengths))
    }

    /// Drops an oversized byte buffer so one big value does not pin memory for the connection's life.
    func shrinkIfLarge() {
        guard byteCapacity > ArgvBuffer.retainedBytes else { return }
        bytes.deallocate()
        byteCapacity = ArgvBuffer.initialBytes
        bytes = .allocate(capacity: byteCapacity)
    }

    private func reserve(arguments: Int, bytes needed: Int) {
        if arguments > argCapacity {
            argv.deallocate()
            lengths.deallocate()
            argCapacity = max(arguments, argCapacity * 2)
            argv = .allocate(capacity: argCapacity)
            lengths = .allocate(capacity: argCapacity)
        }
        if needed > byteCapacity {
            bytes.deallocate()
            byteCapacity = max(needed, byteCapacity * 2)
            bytes = .allocate(capacity: byteCapacity)
        }
    }
}
