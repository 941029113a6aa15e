import Foundation

/// A dedicated OS thread that runs jobs in submission order against state only it touches.
///
/// hiredis contexts are not thread-safe and their calls block, so each connection gets one of these;
/// no hiredis call ever runs on Swift's cooperative pool. The thread hands `process` every job queued
/// since its last turn at once, so it can send them in one round trip.
final class ConnectionThread<State: AnyObject, Job: Sendable>: @unchecked Sendable {
    // @unchecked: `jobs` and `stopping` are only touched while holding `condition`'s lock; `State` is
    // created on the thread and never leaves it (`process` receives it as a parameter, on the thread).
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var stopping = false

    /// Starts the thread; `makeState` runs on it, `process` runs on it with each batch of jobs in order,
    /// `finish` runs on it after the last batch.
    init(name: String, makeState: @escaping @Sendable () -> State, process: @escaping @Sendable (State, [Job]) -> Void,
         finish: @escaping @Sendable (State) -> Void) {
        let thread = Thread { [self] in
            let state = makeState()
            run(state, process)
            finish(state)
        }
        thread.name = name
        thread.start()
    }

    /// Queues `job`; false once `stop()` was called (the job is not run).
    func submit(_ job: Job) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping else { return false }
        jobs.append(job)
        if jobs.count == 1 { condition.signal() }
        return true
    }

    /// Refuses new jobs; the thread finishes the queued ones, runs `finish`, and exits.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func run(_ state: State, _ process: (State, [Job]) -> Void) {
        var batch: [Job] = []
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            // Swap the whole queue out so submitters never wait behind a running job.
            swap(&batch, &jobs)
            condition.unlock()
            process(state, batch)
            batch.removeAll(keepingCapacity: true)
        }
    }
}
