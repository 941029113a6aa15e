import Foundation
import Redis

/// Bulk replay jobs: a hash each for their state, and a queue the replay worker reads.
public struct ReplayJobStore: Sendable {
    let redis: RedisClient
    /// How long a job's record is kept after it is created.
    let retention: Duration
    public let queue: WorkQueue

    public init(redis: RedisClient, retention: Duration = .seconds(30 * 86_400)) {
        self.redis = redis
        self.retention = retention
        queue = WorkQueue(redis: redis, stream: Keys.stream("replays"), group: "replays")
    }

    /// Stores `job` and queues it for the replay worker.
    public func create(_ job: ReplayJob) async throws {
        let filter = String(decoding: try JSONCoding.encoder.encode(job.filter), as: UTF8.self)
        let key = Keys.replayJob(job.jobId)
        _ = try await redis.pipeline([
            RedisCommand("HSET", [key, "status", job.status.rawValue, "staff", job.staff, "role", job.role, "reason", job.reason,
                                  "filter", filter, "createdAt", Int(job.createdAt.timeIntervalSince1970 * 1000),
                                  "total", 0, "processed", 0, "replayed", 0]),
            RedisCommand("EXPIRE", key, Int(retention.components.seconds)),
        ])
        try await queue.add([["job": job.jobId]])
    }

    public func load(_ id: String) async throws -> ReplayJob? {
        guard Digest.isID(id, prefix: "job_") else { return nil }
        let f = try await redis.send("HGETALL", Keys.replayJob(id)).hash
        guard let status = f["status"].flatMap(ReplayJob.Status.init(rawValue:)), let staff = f["staff"],
              let filter = f["filter"].flatMap({ try? JSONCoding.decoder.decode(FailureFilter.self, from: Data($0.utf8)) }) else { return nil }
        func date(_ field: String) -> Date? { f[field].flatMap(Double.init).map { Date(timeIntervalSince1970: $0 / 1000) } }
        var job = ReplayJob(jobId: id, status: status, staff: staff, role: f["role"] ?? "", reason: f["reason"] ?? "", filter: filter,
                            createdAt: date("createdAt") ?? Date(timeIntervalSince1970: 0))
        job.finishedAt = date("finishedAt")
        job.total = f["total"].flatMap(Int.init) ?? 0
        job.processed = f["processed"].flatMap(Int.init) ?? 0
        job.replayed = f["replayed"].flatMap(Int.init) ?? 0
        job.cursor = f["cursor"].flatMap { $0.isEmpty ? nil : $0 }
        for (k, v) in f where k.hasPrefix("skipped:") { job.skipped[String(k.dropFirst(8))] = Int(v) ?? 0 }
        return job
    }

    /// Marks the job running with its total (counted before the first page).
    public func start(_ id: String, total: Int) async throws {
        _ = try await redis.send("HSET", Keys.replayJob(id), "status", ReplayJob.Status.running.rawValue, "total", total)
    }

    /// Records one page: the cursor after it and its counts, together, so a page is counted once.
    public func advance(_ id: String, cursor: String?, processed: Int, replayed: Int, skipped: [String: Int]) async throws {
        var args: [any RedisArgument] = [cursor ?? "", processed, replayed]
        for (reason, count) in skipped.sorted(by: { $0.key < $1.key }) { args += ["skipped:" + reason, count] }
        _ = try await redis.evalsha(Self.advanceScript, keys: [Keys.replayJob(id)], args: args)
    }

    public func finish(_ id: String, status: ReplayJob.Status = .done, at: Date = Date()) async throws {
        _ = try await redis.send("HSET", Keys.replayJob(id), "status", status.rawValue, "finishedAt", Int(at.timeIntervalSince1970 * 1000))
    }

    /// KEYS: job. ARGV: cursor, processed, replayed, then skipped field/count pairs.
    static let advanceScript = RedisScript("""
    redis.call('HSET', KEYS[1], 'cursor', ARGV[1])
    redis.call('HINCRBY', KEYS[1], 'processed', ARGV[2])
    redis.call('HINCRBY', KEYS[1], 'replayed', ARGV[3])
    for i = 4, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
    return 1
    """)
}
