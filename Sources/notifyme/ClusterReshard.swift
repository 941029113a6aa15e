import Foundation
import Redis

#if canImport(Glibc)
import Glibc
#endif

/// Moves slots between two masters of a Redis Cluster with `redis-cli --cluster reshard`, as an operator would:
/// from the master holding the most slots to the one holding the fewest.
struct ClusterReshard: Sendable {
    let redis: RedisClient

    /// What moved: "<slots> slots <from> → <to>".
    func run(slots: Int, directory: String) async throws -> String {
        let text = try await redis.send("CLUSTER", "NODES").string ?? ""
        let masters = text.split(whereSeparator: \.isNewline).compactMap(Master.init).filter { !$0.failed }
        guard let from = masters.max(by: { $0.slots < $1.slots }), let to = masters.min(by: { $0.slots < $1.slots }), from.id != to.id else {
            throw CLI.fail("reshard: the cluster has fewer than two masters")
        }
        let log = "\(directory)/reshard.log"
        let pid = try ProcessSpawn.spawn(["redis-cli", "--cluster", "reshard", from.address, "--cluster-from", from.id, "--cluster-to", to.id,
                                          "--cluster-slots", String(slots), "--cluster-yes"],
                                         environment: ProcessInfo.processInfo.environment.merging(["TERM": "dumb"]) { $1 }, output: log)
        // Waited for off the cooperative pool: a reshard takes seconds.
        let status: Int32 = await withCheckedContinuation { continuation in
            Thread {
                var status: Int32 = 0
                waitpid(pid, &status, 0)
                continuation.resume(returning: status)
            }.start()
        }
        guard status == 0 else {
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw CLI.fail("redis-cli --cluster reshard failed (status \(status)):\n\(output.suffix(2000))")
        }
        return "\(slots) slots \(from.address) → \(to.address)"
    }

    /// One master's line of CLUSTER NODES: `<id> <ip:port@bus> <flags> <master> ... <slot ranges>`.
    struct Master {
        let id: String
        let address: String
        let slots: Int
        let failed: Bool

        init?(_ line: Substring) {
            let fields = line.split(separator: " ")
            guard fields.count >= 8, fields[2].contains("master") else { return nil }
            id = String(fields[0])
            address = String(fields[1].split(separator: "@").first ?? "")
            failed = fields[2].contains("fail")
            slots = fields.dropFirst(8).reduce(0) { total, range in
                guard !range.hasPrefix("[") else { return total }
                let bounds = range.split(separator: "-").compactMap { Int($0) }
                return total + (bounds.count == 2 ? bounds[1] - bounds[0] + 1 : bounds.count)
            }
        }
    }
}
