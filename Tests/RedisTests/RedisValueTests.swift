import Testing
@testable import Redis

@Suite struct RedisValueTests {
    @Test func stringDecodesStatusAndValidUTF8Bulk() {
        #expect(RedisValue.status("OK").string == "OK")
        #expect(RedisValue.bulk(Array("héllo".utf8)).string == "héllo")
        #expect(RedisValue.bulk([]).string == "")
        #expect(RedisValue.bulk([0x61, 0xFF, 0xFE]).string == nil)
        // ASCII takes a shortcut past validation; whatever follows it is still validated.
        #expect(RedisValue.bulk(Array("queued\u{0}|sent".utf8)).string == "queued\u{0}|sent")
        #expect(RedisValue.bulk(Array("ok".utf8) + [0xC3]).string == nil)
        #expect(RedisValue.bulk(Array("إشعار".utf8)).string == "إشعار")
        #expect(RedisValue.integer(1).string == nil)
        #expect(RedisValue.null.string == nil)
    }

    @Test func intParsesIntegersAndNumericStrings() {
        #expect(RedisValue.integer(-7).int == -7)
        #expect(RedisValue.bulk(Array("-42".utf8)).int == -42)
        #expect(RedisValue.bulk(Array("9223372036854775807".utf8)).int == Int.max)
        #expect(RedisValue.bulk(Array("-9223372036854775808".utf8)).int == Int.min)
        #expect(RedisValue.bulk(Array("9223372036854775808".utf8)).int == nil)
        #expect(RedisValue.bulk(Array("12a".utf8)).int == nil)
        #expect(RedisValue.bulk(Array("-".utf8)).int == nil)
        #expect(RedisValue.bulk([]).int == nil)
        #expect(RedisValue.status("15").int == 15)
        #expect(RedisValue.null.int == nil)
    }

    @Test func arrayBytesAndNull() {
        let nested = RedisValue.array([.bulk([1, 2]), .array([.integer(3)]), .null])
        #expect(nested.array?.count == 3)
        #expect(nested.array?[1].array == [.integer(3)])
        #expect(RedisValue.bulk([0, 1]).bytes == [0, 1])
        #expect(RedisValue.status("OK").bytes == Array("OK".utf8))
        #expect(RedisValue.integer(1).bytes == nil)
        #expect(RedisValue.null.isNull)
        #expect(!RedisValue.bulk([]).isNull)
        #expect(RedisValue.null.array == nil)
    }

    @Test func decodingHelpers() {
        let pairs = RedisValue.array([.bulk(Array("a".utf8)), .bulk(Array("1".utf8)), .bulk(Array("b".utf8)), .integer(2)])
        #expect(pairs.dictionary?["a"]?.int == 1)
        #expect(pairs.dictionary?["b"] == .integer(2))
        #expect(RedisValue.array([.bulk(Array("odd".utf8))]).dictionary == nil)
        #expect(RedisValue.array([.bulk(Array("x".utf8)), .status("y")]).strings == ["x", "y"])
        #expect(RedisValue.array([.bulk(Array("x".utf8)), .null]).strings == nil)
        #expect(RedisValue.bulk(Array("1.5".utf8)).double == 1.5)
        #expect(RedisValue.error("ERR x").errorMessage == "ERR x")
    }

    @Test func argumentsBecomeBytes() {
        #expect("héllo".redisBytes == Array("héllo".utf8))
        #expect("abc".dropFirst().redisBytes == Array("bc".utf8))
        #expect((-12).redisBytes == Array("-12".utf8))
        #expect(Int64.min.redisBytes == Array("-9223372036854775808".utf8))
        #expect(UInt64.max.redisBytes == Array("18446744073709551615".utf8))
        #expect(1.5.redisBytes == Array("1.5".utf8))
        #expect(Double.infinity.redisBytes == Array("inf".utf8))
        #expect(([0, 255] as [UInt8]).redisBytes == [0, 255])
        #expect(true.redisBytes == Array("1".utf8))
        #expect(false.redisBytes == Array("0".utf8))
        // What a command's buffer gets is the same bytes.
        let samples: [any RedisArgument] = ["héllo", "abc".dropFirst(), -12, Int64.min, UInt64.max, 1.5, [0, 255] as [UInt8], true, false]
        for sample in samples {
            var buffer: [UInt8] = [7]
            sample.appendRedisBytes(to: &buffer)
            #expect(buffer == [7] + sample.redisBytes)
        }
    }

    @Test func commandHoldsNameThenArguments() {
        let command = RedisCommand("SET", "k", 5, [0x00] as [UInt8], true)
        #expect(command.arguments == [Array("SET".utf8), Array("k".utf8), Array("5".utf8), [0x00], Array("1".utf8)])
        #expect(command.name == "SET")
        let list: [any RedisArgument] = ["a", 1]
        #expect(RedisCommand("RPUSH", list).arguments.count == 3)
        #expect(RedisCommand("PING").arguments == [Array("PING".utf8)])
    }

    @Test func commandKeepsItsArgumentsBackToBackInOneBuffer() {
        var command = RedisCommand("HSET", "k", "", 42, [0xFF, 0x00] as [UInt8])
        command.append("héllo")
        #expect(command.storage == Array("HSETk42".utf8) + [0xFF, 0x00] + Array("héllo".utf8))
        #expect(command.ends == [4, 5, 5, 7, 9, 15])
        #expect(command.count == 6)
        #expect(Array(command.argument(2)) == [])
        #expect(Array(command.argument(4)) == [0xFF, 0x00])
        // Rewriting one argument (EVALSHA to EVAL) rebuilds the buffer around it.
        command.arguments[1] = Array("longer key".utf8)
        #expect(command.arguments == [Array("HSET".utf8), Array("longer key".utf8), [], Array("42".utf8), [0xFF, 0x00], Array("héllo".utf8)])
        #expect(command.ends == [4, 14, 14, 16, 18, 24])
        #expect(command.name == "HSET")
    }

    @Test func execResultMapsTransactionOutcomes() throws {
        let ok = try RedisClient.execResult([.status("OK"), .status("QUEUED"), .array([.integer(1)])])
        #expect(ok == [.integer(1)])
        #expect(throws: RedisError.transactionAborted) {
            try RedisClient.execResult([.status("OK"), .status("QUEUED"), .null])
        }
        let error = #expect(throws: RedisError.self) {
            try RedisClient.execResult([.status("OK"), .error("ERR wrong number of arguments"), .error("EXECABORT Transaction discarded")])
        }
        #expect(error?.isReply == true)
        #expect(error?.message.contains("wrong number of arguments") == true)
    }

    @Test func errorClassification() {
        #expect(RedisError.reply("NOSCRIPT No matching script").isNoScript)
        #expect(RedisError.reply("BUSYGROUP Consumer Group name already exists").isBusyGroup)
        #expect(!RedisError.connection("NOSCRIPT").isNoScript)
        #expect(RedisError.connection("refused").isConnectionError)
        #expect(RedisError.closed.isConnectionError)
        #expect(RedisError.timeout("slow").isTimeout)
        #expect(!RedisError.timeout("slow").isConnectionError)
        #expect(RedisError.reply("ERR x").description.contains("ERR x"))
    }
}
