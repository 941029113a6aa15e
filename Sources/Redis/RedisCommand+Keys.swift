extension RedisCommand {
    /// The keys this command names, as far as routing needs them: every key of the commands NotifyMe sends
    /// (scripts' declared keys, streams after STREAMS, the key after a subcommand), none for server commands.
    public var keys: [[UInt8]] {
        guard count > 1 else { return [] }
        let key = { (index: Int) in Array(argument(index)) }
        switch upperName {
        case "EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO":
            guard count > 2, let declared = Int(String(decoding: argument(2), as: UTF8.self)), declared > 0,
                  count >= 3 + declared else { return [] }
            return (3..<(3 + declared)).map(key)
        case "XREAD", "XREADGROUP":
            guard let streams = (1..<count).first(where: { upperArgument($0) == "STREAMS" }) else { return [] }
            let rest = (streams + 1)..<count
            return rest.prefix(rest.count / 2).map(key)
        case "XGROUP", "XINFO", "OBJECT", "MEMORY":
            return count > 2 && !Self.subcommandsWithoutKey.contains(upperArgument(1)) ? [key(2)] : []
        case "DEL", "UNLINK", "EXISTS", "TOUCH", "MGET", "WATCH", "SINTER", "SUNION", "SDIFF":
            return (1..<count).map(key)
        case "MSET", "MSETNX":
            return stride(from: 1, to: count, by: 2).map(key)
        case "RENAME", "RENAMENX", "SMOVE", "LMOVE", "RPOPLPUSH", "COPY", "ZRANGESTORE":
            return (1...min(2, count - 1)).map(key)
        default:
            return Self.keyless.contains(upperName) ? [] : [key(1)]
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

    private func upperArgument(_ index: Int) -> String { String(decoding: argument(index), as: UTF8.self).uppercased() }

    private static let subcommandsWithoutKey: Set<String> = ["HELP", "STATS", "DOCTOR", "MALLOC-STATS", "PURGE"]

    /// Server and connection commands: they name no key, so a cluster may run them on any node.
    private static let keyless: Set<String> = [
        "PING", "ECHO", "INFO", "TIME", "DBSIZE", "CLUSTER", "SCRIPT", "CLIENT", "CONFIG", "COMMAND", "AUTH", "SELECT",
        "HELLO", "MULTI", "EXEC", "DISCARD", "ASKING", "READONLY", "READWRITE", "FLUSHALL", "FLUSHDB", "SAVE", "BGSAVE",
        "BGREWRITEAOF", "LASTSAVE", "ROLE", "SLOWLOG", "LATENCY", "DEBUG", "WAIT", "RANDOMKEY", "KEYS", "SCAN",
        "SHUTDOWN", "MONITOR", "FUNCTION", "QUIT", "RESET", "UNWATCH",
    ]
}
