import Redis
import Testing

struct RedisErrorTests {
    /// What a 500 logs of a Redis error: its kind, and of an error reply only the code word.
    @Test func summaryNamesTheKindButQuotesNothing() {
        #expect(RedisError.reply("WRONGTYPE Operation against a key holding the wrong kind of value").summary == "reply WRONGTYPE")
        #expect(RedisError.reply("ERR user_script:1: nm:{r:880101234}:contact").summary == "reply ERR")
        #expect(RedisError.connection("cannot connect to 127.0.0.1:6379: Connection refused").summary == "connection")
        #expect(RedisError.timeout("PING after 1 s").summary == "timeout")
        #expect(RedisError.closed.summary == "closed")
    }
}
