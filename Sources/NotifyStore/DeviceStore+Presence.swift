import NotifyCore
import Redis

extension DeviceStore {
    /// Whether each resident has at least one push device, in one pipeline (fan-out's channel choice).
    public func hasDevices(_ cprs: [CPR]) async throws -> [Bool] {
        guard !cprs.isEmpty else { return [] }
        let replies = try await redis.pipeline(cprs.map { RedisCommand("HLEN", Keys.devices($0)) })
        return replies.map { ($0.int ?? 0) > 0 }
    }
}
