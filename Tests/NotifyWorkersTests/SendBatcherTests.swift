import Synchronization
import Testing
@testable import NotifyWorkers

/// Concurrent sends to one provider gathered into batches, each caller getting its own message's outcome.
@Suite(.timeLimit(.minutes(1)))
struct SendBatcherTests {
    /// Holds batches until released.
    actor Gate {
        private var isOpen = false
        private var waiters: [CheckedContinuation<Void, Never>] = []

        func wait() async {
            if isOpen { return }
            await withCheckedContinuation { waiters.append($0) }
        }

        func open() {
            isOpen = true
            for waiter in waiters { waiter.resume() }
            waiters = []
        }
    }

    /// The batches the provider was given, by idempotency key.
    final class Batches: Sendable {
        private let list = Mutex<[[String]]>([])
        var all: [[String]] { list.withLock { $0 } }
        var count: Int { list.withLock { $0.count } }
        func add(_ messages: [OutboundMessage]) { list.withLock { $0.append(messages.map(\.idempotencyKey)) } }
    }

    static func message(_ key: String) -> OutboundMessage {
        OutboundMessage(notificationId: "ntf_\(key)", channel: .sms, eventType: "traffic.fine-issued", to: key == "d" ? "+97336000000" : "+97336001234",
                        body: "text", idempotencyKey: key)
    }

    /// Accepts each message as `id-<key>`, refuses the one to the invalid number, and records the batches it was given.
    static func batcher(maxBatch: Int, maxInFlight: Int, batches: Batches, gate: Gate,
                        answer: (@Sendable ([OutboundMessage]) -> [SendBatcher.Outcome])? = nil) -> SendBatcher {
        SendBatcher(maxBatch: maxBatch, maxInFlight: maxInFlight) { messages in
            batches.add(messages)
            await gate.wait()
            if let answer { return answer(messages) }
            return messages.map { $0.to == "+97336000000" ? .failure(.permanent("invalid number")) : .success(.init(messageId: "id-\($0.idempotencyKey)")) }
        }
    }

    static func describe(_ outcome: SendBatcher.Outcome) -> String {
        switch outcome {
        case .success(let a): a.messageId
        case .failure(let e): "\(e.kind)"
        }
    }

    @Test func sendsThatWaitForTheSlotGoTogetherUpToTheBatchSize() async throws {
        let batches = Batches()
        let gate = Gate()
        let batcher = Self.batcher(maxBatch: 3, maxInFlight: 1, batches: batches, gate: gate)
        let outcomes = try await withThrowingTaskGroup(of: (String, String).self) { group in
            group.addTask { ("a", Self.describe(await batcher.send(Self.message("a")))) }
            while batches.count == 0 { try await Task.sleep(for: .milliseconds(2)) }
            for (i, key) in ["b", "c", "d", "e", "f"].enumerated() {
                group.addTask { (key, Self.describe(await batcher.send(Self.message(key)))) }
                while batcher.waitingCount < i + 1 { try await Task.sleep(for: .milliseconds(2)) }
            }
            #expect(batches.all == [["a"]], "the others wait while the one slot is taken")
            await gate.open()
            var outcomes: [String: String] = [:]
            for try await (key, outcome) in group { outcomes[key] = outcome }
            return outcomes
        }
        #expect(batches.all == [["a"], ["b", "c", "d"], ["e", "f"]])
        #expect(outcomes == ["a": "id-a", "b": "id-b", "c": "id-c", "d": "permanent", "e": "id-e", "f": "id-f"])
        #expect(batcher.waitingCount == 0)
    }

    @Test func aLoneSendGoesAtOnceAndEachFreeSlotTakesOne() async throws {
        let batches = Batches()
        let gate = Gate()
        await gate.open()
        let batcher = Self.batcher(maxBatch: 100, maxInFlight: 2, batches: batches, gate: gate)
        #expect(Self.describe(await batcher.send(Self.message("x"))) == "id-x")
        #expect(Self.describe(await batcher.send(Self.message("y"))) == "id-y")
        #expect(batches.all == [["x"], ["y"]])
    }

    @Test func anAnswerOfTheWrongLengthFailsEveryMessageTransiently() async throws {
        let batches = Batches()
        let gate = Gate()
        let batcher = Self.batcher(maxBatch: 10, maxInFlight: 1, batches: batches, gate: gate) { _ in [SendBatcher.Outcome.success(ProviderAcceptance(messageId: "only-one"))] }
        let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
            group.addTask { Self.describe(await batcher.send(Self.message("a"))) }
            while batches.count == 0 { try await Task.sleep(for: .milliseconds(2)) }
            for (i, key) in ["b", "c"].enumerated() {
                group.addTask { Self.describe(await batcher.send(Self.message(key))) }
                while batcher.waitingCount < i + 1 { try await Task.sleep(for: .milliseconds(2)) }
            }
            await gate.open()
            var all: [String] = []
            for try await outcome in group { all.append(outcome) }
            return all.sorted()
        }
        #expect(batches.all == [["a"], ["b", "c"]])
        #expect(outcomes == ["only-one", "transient", "transient"], "the lone message's answer fits; the pair's does not")
    }
}
