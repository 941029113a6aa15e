/// What a chaos run will do and when: each disruption fires once the given share of notifications has settled,
/// so the moments fall while notifications flow however fast the machine is.
struct ChaosPlan: Sendable {
    enum Action: Sendable, Equatable {
        /// SIGKILL one NotifyMe process, start it again after `restartAfter` seconds.
        case kill(role: ChaosFleet.Role, restartAfter: Double)
        /// SIGKILL redis-server, start it again on the same AOF.
        case restartRedis
        /// Move this many slots to another master of the given Redis Cluster (`redis-cli --cluster reshard`).
        case reshard(slots: Int)
        /// The SMS gateway answers 503 for this many seconds.
        case outage(seconds: Int)
    }

    struct Step: Sendable {
        /// Share of the notifications settled (accepted by a provider or dead-lettered) when it fires.
        let at: Double
        let action: Action
    }

    /// Sorted by `at`.
    let steps: [Step]

    /// What happens to Redis mid-run: its own server restarted, a given cluster resharded, or nothing (a given server).
    enum RedisStep: Sendable, Equatable {
        case restart
        case reshard(slots: Int)
        case none
    }

    static func draw(kills: Int, outage: Int, redis: RedisStep = .restart, using rng: inout SeededGenerator) -> ChaosPlan {
        var steps: [Step] = (0..<kills).map { _ in
            let role = ChaosFleet.Role.allCases.randomElement(using: &rng) ?? .sms
            return Step(at: Double.random(in: 0.05...0.9, using: &rng), action: .kill(role: role, restartAfter: Double.random(in: 0.2...2, using: &rng)))
        }
        let at = Double.random(in: 0.25...0.75, using: &rng)
        switch redis {
        case .restart: steps.append(Step(at: at, action: .restartRedis))
        case .reshard(let slots): steps.append(Step(at: at, action: .reshard(slots: slots)))
        case .none: break
        }
        if outage > 0 { steps.append(Step(at: Double.random(in: 0.1...0.5, using: &rng), action: .outage(seconds: outage))) }
        return ChaosPlan(steps: steps.sorted { $0.at < $1.at })
    }
}
