import Foundation
import NotifyCore
import NotifyStore
import Redis

/// Registers synthetic residents straight into Redis, as a bulk import would: verified contacts (or a push
/// device), and topic membership. Pipelined in chunks, several chunks in flight.
struct BenchPopulation: Sendable {
    let redis: RedisClient
    let cipher: FieldCipher

    /// Residents `0..<count` of `cohort`; `progress` hears how many are done.
    func seed(_ cohort: BenchCohort, count: Int, alsoIn extraTopic: String? = nil,
              progress: (Int) -> Void) async throws {
        let chunk = 2000
        let contacts = ContactStore(redis: redis, cipher: cipher)
        let devices = DeviceStore(redis: redis, cipher: cipher)
        let topics = TopicStore(redis: redis)
        let starts = Array(stride(from: 0, to: count, by: chunk))
        var next = 0, done = 0
        try await withThrowingTaskGroup(of: Int.self) { group in
            func add() {
                guard next < starts.count else { return }
                let range = starts[next]..<min(starts[next] + chunk, count)
                next += 1
                group.addTask {
                    let cprs = try range.map(cohort.cpr)
                    var commands: [RedisCommand] = []
                    let now = Date()
                    for (i, cpr) in zip(range, cprs) {
                        let contact = try Self.contact(cohort, i, cpr)
                        commands += try contacts.saveCommands(contact, now: now)
                    }
                    _ = try await redis.pipeline(commands)
                    if cohort == .push {
                        for (i, cpr) in zip(range, cprs) {
                            let device = try Device(id: Digest.randomID(prefix: "dev_"), platform: .fcm, token: Self.fcmToken(i), subscription: nil,
                                                    createdAt: now)
                            _ = try await devices.register(device, cpr: cpr, max: 5)
                        }
                    }
                    try await topics.subscribe(cprs, to: cohort.topic)
                    if let extraTopic { try await topics.subscribe(cprs, to: extraTopic) }
                    return range.count
                }
            }
            for _ in 0..<4 { add() }
            while let finished = try await group.next() {
                done += finished
                progress(done)
                add()
            }
        }
    }

    private static func contact(_ cohort: BenchCohort, _ i: Int, _ cpr: CPR) throws -> Contact {
        switch cohort {
        case .sms, .fanout: Contact(cpr: cpr, phone: try cohort.phone(i), language: i % 2 == 0 ? .ar : .en, verified: [.sms])
        case .email: Contact(cpr: cpr, email: try EmailAddress("resident\(i)@bench.example"), language: i % 2 == 0 ? .ar : .en, verified: [.email])
        case .push: Contact(cpr: cpr, language: i % 2 == 0 ? .ar : .en)
        }
    }

    /// An FCM registration token of the usual shape, one per resident.
    static func fcmToken(_ i: Int) -> String { "bench\(i):APA91bH" + String(repeating: "Zq7_-", count: 28) }
}
