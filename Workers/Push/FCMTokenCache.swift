import Foundation

/// The OAuth 2.0 access token FCM requests carry: fetched once, shared by every send until shortly
/// before it expires. Concurrent sends that find it stale wait for one shared refresh.
actor FCMTokenCache {
    /// What the token endpoint answered.
    struct Grant: Sendable {
        var token: String
        var expiresIn: TimeInterval
    }

    private struct Cached {
        var token: String
        var refreshAt: Date
    }

    private let fetch: @Sendable () async throws -> Grant
    private let margin: TimeInterval
    private var cached: Cached?
    private var refreshing: Task<Grant, any Error>?

    init(margin: Duration, fetch: @escaping @Sendable () async throws -> Grant) {
        self.margin = TimeInterval(margin.components.seconds)
        self.fetch = fetch
    }

    /// A token valid for more than the margin at `now`, fetching a new one when needed.
    func token(now: Date) async throws -> String {
        if let cached, now < cached.refreshAt { return cached.token }
        if let refreshing { return try await refreshing.value.token }
        let task = Task { try await fetch() }
        refreshing = task
        defer { refreshing = nil }
        let grant = try await task.value
        // A token shorter-lived than twice the margin is used for half its life rather than refetched on every send.
        let early = min(margin, grant.expiresIn / 2)
        cached = Cached(token: grant.token, refreshAt: now.addingTimeInterval(grant.expiresIn - early))
        return grant.token
    }

    /// FCM refused `token` (401): the next send fetches another, unless a newer token already replaced it.
    func invalidate(_ token: String) {
        if cached?.token == token { cached = nil }
    }
}
