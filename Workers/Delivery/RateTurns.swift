/// The sends of this process waiting for one provider's rate: a few at a time ask Redis for a token, the rest wait here
/// in turn. Each refused ask says when the next token is due, so without turns every waiting send would ask again that
/// often: a window of 1,024 sends at 100 per second would ask Redis about 100,000 times a second.
actor RateTurns {
    private var free: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var head = 0

    init(takers: Int = 2) {
        free = max(1, takers)
    }

    /// Runs `body` in turn; it should not hold the turn long (a send gives it up at a quarter of its lease).
    nonisolated func inTurn<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await take()
        do {
            let result = try await body()
            await give()
            return result
        } catch {
            await give()
            throw error
        }
    }

    private func take() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Hands the turn to the longest waiter (it keeps the slot), or frees the slot.
    private func give() {
        guard head < waiters.count else {
            free += 1
            return
        }
        let next = waiters[head]
        head += 1
        if head > 256 && head * 2 > waiters.count {
            waiters.removeFirst(head)
            head = 0
        }
        next.resume()
    }
}
