import Foundation
import NotifyCore
import NotifyStore
import Redis

/// Synthetic residents written straight to Redis in pipelined chunks: registered, phone verified, on a topic.
enum Population {
    static func cpr(_ i: Int) -> CPR { (try? CPR(String(900_000_000 + i))) ?? { fatalError("bad test CPR") }() }

    /// Residents `range`, each with a verified Bahraini mobile, in `language`, members of `topic` when given.
    static func seed(_ env: TestEnvironment, _ range: Range<Int>, topic: String? = nil, language: Language = .en) async throws {
        let contacts = ContactStore(redis: env.redis, cipher: env.deps.cipher)
        let topics = TopicStore(redis: env.redis)
        var start = range.lowerBound
        while start < range.upperBound {
            let chunk = start..<min(start + 2000, range.upperBound)
            var commands: [RedisCommand] = []
            for i in chunk {
                let contact = Contact(cpr: cpr(i), phone: try PhoneNumber("3\(6_000_000 + i % 4_000_000)"), language: language, verified: [.sms])
                commands += try contacts.saveCommands(contact, now: Date())
            }
            _ = try await env.redis.pipeline(commands)
            if let topic { try await topics.subscribe(chunk.map(cpr), to: topic) }
            start = chunk.upperBound
        }
    }

    /// How many notification records exist (their timelines excluded).
    static func notificationRecords(_ env: TestEnvironment) async throws -> Int {
        var cursor = "0", count = 0
        repeat {
            let reply = try await env.redis.send("SCAN", cursor, "MATCH", "nm:{n:*}", "COUNT", 5000)
            guard let parts = reply.array, parts.count == 2 else { break }
            cursor = parts[0].string ?? "0"
            count += parts[1].array?.count ?? 0
        } while cursor != "0"
        return count
    }
}
