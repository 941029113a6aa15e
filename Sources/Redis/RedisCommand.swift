/// One command: its name and arguments as byte strings.
public struct RedisCommand: Sendable, Hashable {
    /// The name first, then each argument.
    public var arguments: [[UInt8]]

    public init(_ name: String, _ args: [any RedisArgument]) {
        var arguments: [[UInt8]] = []
        arguments.reserveCapacity(args.count + 1)
        arguments.append(Array(name.utf8))
        for arg in args { arguments.append(arg.redisBytes) }
        self.arguments = arguments
    }

    public init(_ name: String, _ args: any RedisArgument...) {
        self.init(name, args)
    }

    /// The command name, for logs and errors (arguments may be private).
    public var name: String { String(decoding: arguments.first ?? [], as: UTF8.self) }
}
