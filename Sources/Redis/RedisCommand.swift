/// One command: its name and arguments as byte strings.
///
/// The arguments sit back to back in one buffer, which hiredis reads in place: building a command costs two
/// allocations, not one per argument, and nothing is copied again before hiredis formats it.
public struct RedisCommand: Sendable, Hashable {
    /// Every argument's bytes, the name first, with nothing between them.
    public private(set) var storage: [UInt8]
    /// Where each argument ends in `storage`.
    public private(set) var ends: [Int]

    public init(_ name: String, _ args: [any RedisArgument]) {
        storage = []
        storage.reserveCapacity(name.utf8.count + 16 * args.count)
        ends = []
        ends.reserveCapacity(args.count + 1)
        append(name)
        for arg in args { append(arg) }
    }

    public init(_ name: String, _ args: any RedisArgument...) {
        self.init(name, args)
    }

    /// Adds one argument at the end.
    public mutating func append(_ argument: some RedisArgument) {
        argument.appendRedisBytes(to: &storage)
        ends.append(storage.count)
    }

    /// How many byte strings the command has, its name included.
    public var count: Int { ends.count }

    /// The bytes of the argument at `index` (0 is the name).
    public func argument(_ index: Int) -> ArraySlice<UInt8> {
        storage[(index == 0 ? 0 : ends[index - 1])..<ends[index]]
    }

    /// The name first, then each argument; setting it rebuilds the storage (for the rare rewrite, such as EVALSHA to EVAL).
    public var arguments: [[UInt8]] {
        get { (0..<count).map { Array(argument($0)) } }
        set {
            storage = newValue.flatMap { $0 }
            var end = 0
            ends = newValue.map { end += $0.count; return end }
        }
    }

    /// The command name, for logs and errors (arguments may be private).
    public var name: String { count == 0 ? "" : String(decoding: argument(0), as: UTF8.self) }
}
