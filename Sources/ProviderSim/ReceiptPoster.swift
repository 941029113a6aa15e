import Foundation
import Logging
import ServiceLifecycle
import Transport

/// Posts queued receipts when they fall due, each job in its own child task.
struct ReceiptPoster: Service {
    static let attempts = 4

    let jobs: AsyncStream<ReceiptJob>
    let batcher: ReceiptBatcher
    let logger: Logger

    func run() async {
        let transport = CurlTransport(configuration: TransportConfiguration(maxConnectionsPerHost: 8), logger: logger)
        defer { transport.shutdown() }
        // Pending receipts are dropped on shutdown: a provider that goes away stops calling back too.
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for await job in jobs {
                    if job.batchable, job.posts.count == 1, let post = job.posts.first {
                        // The first receipt for a URL starts the loop that posts its batches until none is left.
                        if batcher.add(post) { group.addTask { await postBatches(for: post.url, provider: job.provider, with: transport) } }
                    } else {
                        group.addTask { await deliver(job, with: transport) }
                    }
                }
            }
        }
    }

    private func deliver(_ job: ReceiptJob, with transport: CurlTransport) async {
        for post in job.posts {
            do {
                try await Task.sleep(for: post.delay)
                try await send(post, provider: job.provider, with: transport)
            } catch {
                return  // cancelled: shutting down
            }
        }
    }

    private func postBatches(for url: String, provider: Provider, with transport: CurlTransport) async {
        await withDiscardingTaskGroup { group in
            await batcher.batches(for: url) { post in
                group.addTask { try? await send(post, provider: provider, with: transport) }
            }
        }
    }

    /// Retries with a growing pause; a receiver that keeps failing loses the receipt.
    private func send(_ post: ReceiptJob.Post, provider: Provider, with transport: CurlTransport) async throws {
        var lastProblem = ""
        for attempt in 1...Self.attempts {
            let request = Transport.HTTPRequest(
                method: "POST", url: post.url, headers: headers(for: post), body: post.body,
                timeout: .seconds(5), connectTimeout: .seconds(2), httpVersion: .http1_1
            )
            do {
                let response = try await transport.execute(request)
                if (200..<300).contains(response.status) { return }
                lastProblem = "status \(response.status)"
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                lastProblem = "\(error)"
            }
            if attempt < Self.attempts { try await Task.sleep(for: .milliseconds(100 << attempt)) }
        }
        logger.warning("receipt dropped after \(Self.attempts) attempts", metadata: [
            "provider": "\(provider.rawValue)", "target": "\(Self.origin(of: post.url))", "problem": "\(lastProblem)",
        ])
    }

    private func headers(for post: ReceiptJob.Post) -> [HTTPHeader] {
        var headers = [HTTPHeader(name: "Content-Type", value: post.contentType)]
        switch post.signing {
        case .gateway(let secret):
            let now = Int(Date().timeIntervalSince1970)
            headers.append(HTTPHeader(name: "X-Gateway-Signature", value: ReceiptSignature.gateway(secret: secret, timestamp: now, body: post.body)))
        case .twilio(let authToken, let parameters, let idempotencyToken):
            let signature = ReceiptSignature.twilio(authToken: authToken, url: post.url, parameters: parameters)
            headers.append(HTTPHeader(name: "X-Twilio-Signature", value: signature))
            headers.append(HTTPHeader(name: "I-Twilio-Idempotency-Token", value: idempotencyToken))
        }
        return headers
    }

    /// Scheme, host and port only: logs carry no paths or query strings.
    private static func origin(of url: String) -> String {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme, let host = parts.host else { return "?" }
        return "\(scheme)://\(host)" + (parts.port.map { ":\($0)" } ?? "")
    }
}
