import CCurl
import Foundation
import Logging

/// One libcurl multi handle driven by one dedicated thread.
///
/// Submitting tasks configure an easy handle on their own thread, then put the transfer in a
/// locked inbox and wake the loop with `curl_multi_wakeup`. The loop adds it to the multi handle,
/// runs `curl_multi_perform`/`curl_multi_poll`, and resumes each transfer's continuation when it
/// finishes. Idle easy handles are kept in a small pool for reuse; connections are reused through
/// the multi handle's connection cache.
///
/// @unchecked Sendable: `multi` and `active` are only used on the loop thread (after `init`
/// configured the multi handle before the thread started), except `curl_multi_wakeup`, which
/// libcurl documents as callable from any thread and which is only called under `lock` while the
/// handle is alive. Every other mutable field is guarded by `lock`; `stopped` has its own
/// condition lock; `thread` is written once in `init` before any other thread can see `self`.
final class CurlEngine: @unchecked Sendable {
    private enum State { case running, stopping, stopped }

    private let multi: UnsafeMutableRawPointer
    private let logger: Logger
    private let poolLimit: Int

    private let lock = NSLock()
    private var state = State.running
    private var inbox: [CurlTransfer] = []
    private var cancellations: [CurlTransfer] = []
    private var idleHandles: [UnsafeMutableRawPointer] = []

    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    /// Submitted transfers not yet in the multi handle (loop thread only). libcurl 7.88 re-examines every
    /// pending transfer each time a connection frees up, so thousands handed to it past its connection
    /// limits cost quadratic time; they wait here instead, in order, until `admitLimit` allows.
    private var waiting: [CurlTransfer] = []
    private var waitingHead = 0
    private let admitLimit: Int

    private let stoppedCondition = NSCondition()
    private var stopped = false
    private var thread: Thread?

    init(configuration: TransportConfiguration, logger: Logger) throws(TransportError) {
        guard curlGlobalInitCode == Int(CURLE_OK.rawValue) else {
            throw TransportError.invalidRequest("curl_global_init failed", curlCode: curlGlobalInitCode)
        }
        guard let multi = curl_multi_init() else {
            throw TransportError.invalidRequest("curl_multi_init failed")
        }
        self.multi = multi
        self.logger = logger
        self.poolLimit = max(16, configuration.maxTotalConnections)
        let perHost = max(1, configuration.maxConnectionsPerHost)
        let total = max(perHost, configuration.maxTotalConnections)
        // Enough for every connection to be busy, or one HTTP/2 connection's streams.
        self.admitLimit = max(total, configuration.maxConcurrentStreams)
        _ = nm_curl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, perHost)
        _ = nm_curl_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, total)
        _ = nm_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, total)
        _ = nm_curl_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        _ = nm_curl_multi_setopt_long(multi, CURLMOPT_MAX_CONCURRENT_STREAMS, max(1, configuration.maxConcurrentStreams))

        let thread = Thread { [self] in run() }
        thread.name = "notifyme-curl"
        self.thread = thread
        thread.start()
    }

    // MARK: - Easy handle pool (any thread)

    /// An idle easy handle from the pool, or a new one.
    func checkoutHandle() throws(TransportError) -> UnsafeMutableRawPointer {
        lock.lock()
        if state != .running {
            lock.unlock()
            throw TransportError.shutdown()
        }
        let pooled = idleHandles.popLast()
        lock.unlock()
        if let pooled { return pooled }
        guard let easy = curl_easy_init() else { throw TransportError.invalidRequest("curl_easy_init failed") }
        return easy
    }

    /// Resets `easy` and keeps it for reuse, or frees it when the pool is full or the engine stopped.
    func recycle(_ easy: UnsafeMutableRawPointer) {
        curl_easy_reset(easy)
        lock.lock()
        let keep = state == .running && idleHandles.count < poolLimit
        if keep { idleHandles.append(easy) }
        lock.unlock()
        if !keep { curl_easy_cleanup(easy) }
    }

    // MARK: - Submission (any thread)

    /// Runs a configured transfer to completion. Throws the transfer's ``TransportError``,
    /// ``TransportError/isShutdown`` when the engine stops first, or `CancellationError`.
    func perform(_ transfer: CurlTransfer) async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                lock.lock()
                let failure: (any Error)?
                if state != .running {
                    failure = TransportError.shutdown()
                } else if transfer.cancelled {
                    failure = CancellationError()
                } else {
                    failure = nil
                    transfer.continuation = continuation
                    inbox.append(transfer)
                    wakeLocked()
                }
                lock.unlock()
                if let failure {
                    transfer.releaseCResources()
                    recycle(transfer.easy)
                    continuation.resume(throwing: failure)
                }
            }
        } onCancel: {
            lock.lock()
            transfer.cancelled = true
            if state == .running {
                cancellations.append(transfer)
                wakeLocked()
            }
            lock.unlock()
        }
    }

    /// Wakes the loop from `curl_multi_poll`. Called with `lock` held: the loop marks the engine
    /// `.stopped` under the lock before `curl_multi_cleanup`, so the handle is never used after free.
    private func wakeLocked() {
        if state != .stopped { _ = curl_multi_wakeup(multi) }
    }

    /// Fails in-flight transfers with ``TransportError/isShutdown``, stops the thread and frees
    /// every handle. Idempotent; returns once the loop has stopped.
    func shutdown() {
        lock.lock()
        if state == .running {
            state = .stopping
            wakeLocked()
        }
        lock.unlock()
        guard Thread.current !== thread else { return }
        stoppedCondition.lock()
        while !stopped { stoppedCondition.wait() }
        stoppedCondition.unlock()
    }

    // MARK: - Loop (engine thread only)

    private func run() {
        logger.debug("curl transport loop started")
        var running: Int32 = 0
        var remaining: Int32 = 0
        while true {
            lock.lock()
            let stopping = state != .running
            let arrivals = inbox
            inbox.removeAll()
            let cancelled = cancellations
            cancellations.removeAll()
            lock.unlock()

            waiting += arrivals
            if stopping {
                for transfer in waiting[waitingHead...] { finish(transfer, error: TransportError.shutdown(), inMulti: false) }
                waiting.removeAll()
                break
            }
            for transfer in cancelled {
                if let current = active[transfer.easy], current === transfer {
                    finish(transfer, error: CancellationError(), inMulti: true)
                } else if let i = waiting[waitingHead...].firstIndex(where: { $0 === transfer }) {
                    waiting.remove(at: i)
                    finish(transfer, error: CancellationError(), inMulti: false)
                }
            }
            admitWaiting()

            _ = curl_multi_perform(multi, &running)
            while let message = curl_multi_info_read(multi, &remaining) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                let result = nm_curl_msg_result(message)
                guard let transfer = active[easy] else { continue }
                complete(transfer, result: result)
            }
            // Room freed by finished transfers goes to waiting ones before the loop sleeps.
            if waitingHead < waiting.count && active.count < admitLimit {
                admitWaiting()
                continue
            }
            _ = curl_multi_poll(multi, nil, 0, 1000, nil)
        }

        for transfer in Array(active.values) {
            finish(transfer, error: TransportError.shutdown(), inMulti: true)
        }
        lock.lock()
        state = .stopped
        let idle = idleHandles
        idleHandles.removeAll()
        lock.unlock()
        for easy in idle { curl_easy_cleanup(easy) }
        curl_multi_cleanup(multi)
        logger.debug("curl transport loop stopped")

        stoppedCondition.lock()
        stopped = true
        stoppedCondition.broadcast()
        stoppedCondition.unlock()
    }

    /// Moves waiting transfers into the multi handle, oldest first, while fewer than `admitLimit` are in it.
    private func admitWaiting() {
        while waitingHead < waiting.count && active.count < admitLimit {
            let transfer = waiting[waitingHead]
            waitingHead += 1
            let rc = curl_multi_add_handle(multi, transfer.easy)
            if rc == CURLM_OK {
                active[transfer.easy] = transfer
            } else {
                let text = String(cString: curl_multi_strerror(rc))
                finish(transfer, error: TransportError.invalidRequest("curl_multi_add_handle: \(text)"), inMulti: false)
            }
        }
        if waitingHead == waiting.count {
            waiting.removeAll(keepingCapacity: true)
            waitingHead = 0
        } else if waitingHead > 1024 {
            waiting.removeFirst(waitingHead)
            waitingHead = 0
        }
    }

    /// Reads the outcome of a finished transfer and resumes its task.
    private func complete(_ transfer: CurlTransfer, result: CURLcode) {
        let easy = CurlEasy(transfer.easy)
        let reply = easy.long(CURLINFO_RESPONSE_CODE)
        let elapsed = ContinuousClock.now - transfer.startedAt
        if result == CURLE_OK {
            transfer.status = reply
            transfer.httpVersion = Self.versionString(easy.long(CURLINFO_HTTP_VERSION))
            logger.debug("transfer finished", metadata: [
                "transfer": "\(transfer.logLabel)", "status": "\(reply)",
                "version": "\(transfer.httpVersion)", "elapsed": "\(elapsed)",
            ])
            finish(transfer, error: nil, inMulti: true)
        } else {
            let code = Int(result.rawValue)
            var detail = transfer.errorText
            if detail.isEmpty { detail = String(cString: curl_easy_strerror(result)) }
            let error = TransportError.fromCurl(
                code: code, detail: detail, osErrno: easy.long(CURLINFO_OS_ERRNO),
                replyCode: reply, isSMTP: transfer.kind == .smtp
            )
            logger.debug("transfer failed", metadata: [
                "transfer": "\(transfer.logLabel)", "curl": "\(code)", "elapsed": "\(elapsed)",
            ])
            finish(transfer, error: error, inMulti: true)
        }
    }

    /// Detaches the handle, recycles it and resumes the continuation exactly once.
    private func finish(_ transfer: CurlTransfer, error: (any Error)?, inMulti: Bool) {
        if inMulti {
            curl_multi_remove_handle(multi, transfer.easy)
            active[transfer.easy] = nil
        }
        transfer.releaseCResources()
        recycle(transfer.easy)
        lock.lock()
        let continuation = transfer.continuation
        transfer.continuation = nil
        lock.unlock()
        if let error {
            continuation?.resume(throwing: error)
        } else {
            continuation?.resume()
        }
    }

    private static func versionString(_ version: Int) -> String {
        switch version {
        case CURL_HTTP_VERSION_1_0: return "1.0"
        case CURL_HTTP_VERSION_1_1: return "1.1"
        case CURL_HTTP_VERSION_2_0: return "2"
        case CURL_HTTP_VERSION_3: return "3"
        default: return ""
        }
    }
}
