import Foundation

/// A bulk replay: every failure matching a filter, replayed in the background by the replay worker.
public struct ReplayJob: Sendable, Equatable, Codable {
    /// `failed`: stopped for good by an error Redis gave (not an outage, which the job waits out).
    public enum Status: String, Sendable, Codable { case queued, running, done, failed }

    public var jobId: String
    public var status: Status
    public var staff: String
    public var role: String
    public var reason: String
    public var filter: FailureFilter
    public var createdAt: Date
    public var finishedAt: Date?
    /// Dead letters matching the filter, counted when the job starts.
    public var total: Int
    public var processed: Int
    public var replayed: Int
    /// Dead letters not replayed, by reason.
    public var skipped: [String: Int]
    /// Where the scan stopped (a failure listing cursor); a restarted worker resumes there.
    public var cursor: String?

    public init(jobId: String = Digest.randomID(prefix: "job_"), status: Status = .queued, staff: String, role: String, reason: String,
                filter: FailureFilter, createdAt: Date = Date()) {
        self.jobId = jobId
        self.status = status
        self.staff = staff
        self.role = role
        self.reason = reason
        self.filter = filter
        self.createdAt = createdAt
        self.total = 0
        self.processed = 0
        self.replayed = 0
        self.skipped = [:]
    }
}
