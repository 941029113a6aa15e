import Foundation
import NotifyCore
@testable import NotifyStore
import Testing

/// Partitioned channel queues: producers spread by notification id, and worker processes share the partitions so each
/// has exactly one consumer, taking over those of a process that stops.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct PartitionTests {
    @Test func idsSpreadOverThePartitionsTheSameWayEverywhere() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let queues = ChannelQueues(redis: env.redis, partitions: 6)
        let ids = (0..<600).map { _ in Digest.randomID(prefix: "ntf_") }
        try await queues.add(.sms, ids: ids)
        var lengths: [Int] = []
        for queue in queues.queues(.sms) { lengths.append(try await env.redis.send("XLEN", queue.stream).int ?? 0) }
        #expect(lengths.reduce(0, +) == 600)
        #expect(lengths.allSatisfy { $0 > 50 }, "\(lengths)")
        // Each id on the stream its partition names, whichever process computes it.
        let other = ChannelQueues(redis: env.redis, partitions: 6)
        let sample = try await env.redis.send("XRANGE", other.queue(.sms, partition: 2).stream, "-", "+", "COUNT", 20)
        for entry in sample.array ?? [] {
            let id = entry.array?.last?.array?.last?.string ?? ""
            #expect(other.partition(of: id) == 2, "\(id)")
        }
        // A retry goes back to the same partition.
        try await queues.schedule(.sms, id: ids[0], after: .zero)
        #expect(try await queues.delayed(.sms, partition: queues.partition(of: ids[0])).count() == 1)
        // One partition is the single stream of a one-node set-up.
        #expect(ChannelQueues(redis: env.redis).queue(.sms, partition: 0).stream == Keys.stream("sms"))
    }

    @Test func processesShareThePartitionsAndTakeOverFromOneThatStops() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        // A lifetime no loaded machine outlasts between two renewals here (2 s once did, in a full CI run).
        let members = ["sms-a", "sms-b", "sms-c"].map {
            PartitionClaims(redis: env.redis, queue: "sms", member: $0, partitions: 8, ttl: .seconds(60))
        }
        // The first to renew sees only itself and takes everything until the others show up.
        #expect(try await members[0].renew() == Array(0..<8))
        for member in members { _ = try await member.renew() }
        var shares: [[Int]] = []
        for member in members { shares.append(try await member.renew()) }
        #expect(shares.flatMap { $0 }.sorted() == Array(0..<8), "every partition once: \(shares)")
        #expect(shares.allSatisfy { $0.count >= 2 }, "\(shares)")

        // One leaves: the other two cover everything at their next renewal.
        try await members[1].leave()
        let two = [try await members[0].renew(), try await members[2].renew()]
        #expect(two.flatMap { $0 }.sorted() == Array(0..<8), "\(two)")

        // One is killed (stops renewing): once its claim lapses, the survivor takes its share.
        let short = ["push-a", "push-b"].map { PartitionClaims(redis: env.redis, queue: "push", member: $0, partitions: 4, ttl: .seconds(1)) }
        _ = try await short[0].renew()
        _ = try await short[1].renew()
        try await Task.sleep(for: .milliseconds(1200))
        #expect(try await short[1].renew() == Array(0..<4))
    }

    @Test func sharesAreDisjointAndComplete() {
        for count in 1...6 {
            let names = (0..<count).map { "m\($0)" }
            let shares = names.map { PartitionClaims.share(of: $0, among: names, partitions: 16) }
            #expect(shares.flatMap { $0 }.sorted() == Array(0..<16))
        }
        #expect(PartitionClaims.share(of: "stranger", among: ["m0"], partitions: 4) == [0, 1, 2, 3])
    }
}
