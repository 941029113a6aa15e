extension RedisCommand {
    /// The keys this command names, as far as routing needs them: every key of the commands NotifyMe sends
    /// (scripts' declared keys, streams after STREAMS, the key after a subcommand), none for server commands.
    public var keys: [[UInt8]] {
        guard arguments.count > 1 else { return [] }
        switch upperName {
        case "EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO":
            guard arguments.count > 2, let count = Int(String(decoding: arguments[2], as: UTF8.self)), count > 0,
                  arguments.count >= 3 + count else { return [] }
            return Array(arguments[3..<(3 + count)])
        case "XREAD", "XREADGROUP":
            guard let streams = arguments.firstIndex(where: { String(decoding: $0, as: UTF8.self).uppercased() == "STREAMS" }) else {
                return []
            }
            let rest = arguments[(streams + 1)...]
            return Array(rest.prefix(rest.count / 2))
        case "XGROUP", "XINFO", "OBJECT", "MEMORY":
            return arguments.count > 2 && !Self.subcommandsWithoutKey.contains(upperArgument(1)) ? [arguments[2]] : []
        case "DEL", "UNLINK", "EXISTS", "TOUCH", "MGET", "WATCH", "SINTER", "SUNION", "SDIFF":
            return Array(arguments.dropFirst())
        case "MSET", "MSETNX":
            return stride(from: 1, to: arguments.count, by: 2).map { arguments[$0] }
        case "RENAME", "RENAMENX", "SMOVE", "LMOVE", "RPOPLPUSH", "COPY", "ZRANGESTORE":
            return Array(arguments[1...min(2, arguments.count - 1)])
        default:
            return Self.keyless.contains(upperName) ? [] : [arguments[1]]
        }
    }

    /// The slot the command must run on: its first key's; nil when it names no key (it may run on any node).
    public var slot: Int? { keys.first.map { HashSlot.of($0) } }

    /// Whether its keys share one slot (a command with no key trivially does).
    var keysShareSlot: Bool {
        let slots = Set(keys.map { HashSlot.of($0) })
        return slots.count <= 1
    }

    private var upperName: String { name.uppercased() }

    private func upperArgument(_ index: Int) -> String { String(decoding: arguments[index], as: UTF8.self).uppercased() }

    private static let subcommandsWithoutKey: Set<String> = ["HELP", "STATS", "DOCTOR", "MALLOC-STATS", "PURGE"]

    /// Server and connection commands: they name no key, so a cluster may run them on any node.
    private static let keyless: Set<String> = [
        "PING", "ECHO", "INFO", "TIME", "DBSIZE", "CLUSTER", "SCRIPT", "CLIENT", "CONFIG", "COMMAND", "AUTH", "SELECT",
        "HELLO", "MULTI", "EXEC", "DISCARD", "ASKING", "READONLY", "READWRITE", "FLUSHALL", "FLUSHDB", "SAVE", "BGSAVE",
        "BGREWRITEAOF", "LASTSAVE", "ROLE", "SLOWLOG", "LATENCY", "DEBUG", "WAIT", "RANDOMKEY", "KEYS", "SCAN",
        "SHUTDOWN", "MONITOR", "FUNCTION", "QUIT", "RESET", "UNWATCH",
    ]
}
