import Foundation
import Hummingbird
import NotifyCore
import NotifyStore

extension AdminController {
    struct ReplayRequest: Decodable, Sendable {
        let reason: String
    }

    struct Replayed: Encodable, Sendable {
        let id: String
        let status: String
        let channel: String
    }

    /// POST /v1/admin/failures/{id}/replay {reason}: operators only; checked against today's consent and contact data.
    @Sendable func replayOne(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<Replayed> {
        let staff = try context.requireOperator()
        let id = context.parameters.get("id") ?? ""
        let body = try await JSONBody.decode(ReplayRequest.self, from: request, allowed: ["reason"], maxBytes: 8192)
        let reason = try Self.reason(body.reason, required: true) ?? ""
        guard Digest.isID(id, prefix: "ntf_") else { throw NotifyError.notFound("no notification \(id.prefix(64))") }
        let outcome = try await replay.replay(id, marker: Digest.randomID(prefix: "rpl_"))
        let (answer, text) = Self.describe(outcome, id: id)
        try await audit.append(AuditEntry(staff: staff.id, role: staff.role, action: "replay", target: id, reason: reason, outcome: text))
        if let answer { throw answer }
        guard case .replayed(let channel) = outcome else { throw NotifyError.internal("replay outcome") }
        return JSONResponse(.accepted, Replayed(id: id, status: NotificationStatus.queued.rawValue, channel: channel.rawValue))
    }

    /// The error a refused replay answers with (nil when replayed), and the audit log's words for the outcome.
    static func describe(_ outcome: FailureReplay.Outcome, id: String) -> (NotifyError?, String) {
        switch outcome {
        case .replayed(let channel): return (nil, "replayed on \(channel.rawValue)")
        case .notFound: return (NotifyError.notFound("no notification \(id)"), "not found")
        case .notFailed(let status):
            return (NotifyError.conflict("not replayed: the notification is \(status.rawValue), not failed (it may have been replayed already)"),
                    "refused: \(status.rawValue), not failed")
        case .refused(let why): return (NotifyError.conflict("not replayed: \(why)"), "refused: \(why)")
        }
    }

    struct BulkReplayRequest: Decodable, Sendable {
        let filter: FailureFilterInput?
        let reason: String
    }

    struct JobCreated: Encodable, Sendable {
        let jobId: String
    }

    /// POST /v1/admin/failures/replay {filter, reason}: a background job over every matching failure.
    @Sendable func replayMany(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<JobCreated> {
        let staff = try context.requireOperator()
        let body = try await JSONBody.decode(BulkReplayRequest.self, from: request, allowed: ["filter", "reason"], maxBytes: 8192)
        var problems: [FieldError] = []
        let filter = body.filter?.parse(catalogue: catalogue, problems: &problems, prefix: "filter.") ?? FailureFilter()
        let reason = try Self.reason(body.reason, required: true) ?? ""
        guard problems.isEmpty else { throw NotifyError.invalid(problems) }
        let job = ReplayJob(staff: staff.id, role: staff.role, reason: reason, filter: filter)
        try await jobs.create(job)
        try await audit.append(AuditEntry(staff: staff.id, role: staff.role, action: "bulk-replay", target: job.jobId, reason: reason,
                                          outcome: "started (\(Self.describe(filter)))"))
        return JSONResponse(.accepted, JobCreated(jobId: job.jobId))
    }

    static func describe(_ filter: FailureFilter) -> String {
        var parts: [String] = []
        if let c = filter.channel { parts.append("channel=\(c.rawValue)") }
        if let t = filter.eventType { parts.append("eventType=\(t)") }
        if let s = filter.since { parts.append("since=\(ISO8601DateFormatter().string(from: s))") }
        return parts.isEmpty ? "every failure" : parts.joined(separator: ", ")
    }

    struct JobView: Encodable, Sendable {
        let jobId: String
        let status: String
        let staff: String
        let reason: String
        let filter: FailureFilter
        let createdAt: Date
        let finishedAt: Date?
        let total: Int
        let processed: Int
        let replayed: Int
        let skipped: [String: Int]
    }

    /// GET /v1/admin/jobs/{jobId}: a bulk replay's progress.
    @Sendable func showJob(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<JobView> {
        _ = try context.requireStaff()
        let id = context.parameters.get("jobId") ?? ""
        guard let job = try await jobs.load(id) else { throw NotifyError.notFound("no replay job \(id.prefix(64))") }
        return JSONResponse(JobView(jobId: job.jobId, status: job.status.rawValue, staff: job.staff, reason: job.reason, filter: job.filter,
                                    createdAt: job.createdAt, finishedAt: job.finishedAt, total: job.total, processed: job.processed,
                                    replayed: job.replayed, skipped: job.skipped))
    }
}
