import Foundation
import Hummingbird
import NotifyConfig
import NotifyCore
import NotifyStore
import Redis

/// POST /v1/receipts/{provider}: signed delivery receipts from SMS providers.
struct ReceiptsController {
    /// Receipt-posting providers by name.
    let providers: [String: ProviderSettings]
    let publicURL: String
    let replayWindow: Duration
    let redis: RedisClient
    let index: ProviderMessageIndex
    let outcomes: DeliveryOutcomes

    func register(on router: Router<AppRequestContext>) {
        router.post("v1/receipts/:provider", use: receive)
    }

    @Sendable func receive(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = context.parameters.get("provider") ?? ""
        guard let provider = providers[name] else { throw NotifyError.notFound("no provider '\(name.prefix(64))' posts receipts here") }
        let bytes: [UInt8]
        do { bytes = Array(buffer: try await request.body.collect(upTo: 64 << 10)) } catch let error as NotifyError {
            throw error
        } catch {
            throw NotifyError.tooLarge("body", "must be at most 64 KiB")
        }
        // A replay already seen: accepted, nothing to record.
        guard let (receipts, seenKey) = try await verified(provider, request: request, body: bytes) else { return Response(status: .noContent) }
        // Intermediate statuses such as "sent" move nothing.
        let final = receipts.compactMap { r in r.outcome.map { (receipt: r, outcome: $0) } }
        guard !final.isEmpty else { return Response(status: .noContent) }
        do {
            let ids = try await notifications(of: final, provider: name)
            var reports: [DeliveryOutcomes.Report] = []
            for ((receipt, outcome), id) in zip(final, ids) {
                guard let id else {
                    // Before the worker recorded the message id (or for one never recorded): kept for that worker, or lapses.
                    context.logger.info("receipt for a message not recorded yet; kept", metadata: [
                        "provider": "\(name)", "messageId": "\(receipt.messageId.prefix(64))",
                    ])
                    continue
                }
                reports.append(DeliveryOutcomes.Report(id, outcome, detail: receipt.detail))
            }
            let results = try await outcomes.recordReceipts(reports)
            for (report, result) in zip(reports, results) {
                context.logger.debug("receipt", metadata: ["provider": "\(name)", "notification": "\(report.id)", "status": "\(report.status.rawValue)",
                                                           "result": "\(result)"])
            }
            context.logger.info("receipts", metadata: ["provider": "\(name)", "received": "\(receipts.count)", "recorded": "\(reports.count)",
                                                       "applied": "\(results.count { if case .applied = $0 { true } else { false } })"])
        } catch {
            // Not recorded: the provider's retry of this very body must not pass for a replay.
            if let seenKey { await forget(seenKey) }
            throw error
        }
        return Response(status: .noContent)
    }

    /// Removes the key that marks a body seen, waiting a few seconds for Redis if it is away (restarting, loading): left
    /// in place, a retry signed in the same second would pass for a replay, and receipts cut off between their moves and
    /// their counts would wait a minute for the expiry sweep. This request has stopped recording, so the retry is alone.
    private func forget(_ seenKey: String) async {
        for pause in Self.forgetPauses {
            if pause > .zero { try? await Task.sleep(for: pause) }
            if (try? await redis.send("DEL", seenKey)) != nil { return }
        }
    }

    /// The pauses between tries of ``forget(_:)``: about 2.5 s in all, within a provider's request timeout.
    static let forgetPauses: [Duration] = [.zero, .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1)]

    /// Each receipt's notification: the one it names (a gateway echoes the reference it was sent, and its worker then
    /// records no index entry), or else the one the message id index gives, or nil.
    private func notifications(of final: [(receipt: ProviderReceipt, outcome: NotificationStatus)], provider: String) async throws -> [String?] {
        var ids = final.map(\.receipt.notificationId)
        let unnamed = ids.indices.filter { ids[$0] == nil }
        guard !unnamed.isEmpty else { return ids }
        let looked = try await index.notifications(provider: provider, unnamed.map {
            (final[$0].receipt.messageId, "\(final[$0].outcome.rawValue) \(final[$0].receipt.detail)")
        })
        for (i, id) in zip(unnamed, looked) { ids[i] = id }
        return ids
    }

    /// The receipts if the signature verifies, with the key that marks the body seen (nil for a replay already seen);
    /// 401 otherwise, 422 when unreadable.
    private func verified(_ provider: ProviderSettings, request: Request, body: [UInt8]) async throws -> ([ProviderReceipt], String?)? {
        switch provider.kind {
        case .gateway:
            let header = request.headers[.gatewaySignature] ?? ""
            guard ReceiptSignature.gatewayValid(header: header, body: body, secret: provider["webhookSecret"], now: Date(), window: replayWindow) else {
                throw NotifyError.unauthorized("the receipt's X-Gateway-Signature does not verify")
            }
            // The same signed receipt again inside the window: a replay, answered but not applied twice.
            guard let receipts = ProviderReceipt.gateway(body) else {
                throw NotifyError.invalid("body", "is not a gateway receipt, nor {receipts: [...]} with 1 to \(ProviderReceipt.gatewayBatchLimit) of them")
            }
            let seenKey = Keys.receiptSeen(provider: provider.name, signatureHash: Digest.sha256Hex(header))
            let seen = try await redis.send("SET", seenKey, "1", "NX", "EX", Int(replayWindow.components.seconds) * 2 + 60)
            guard case .status = seen else { return nil }
            return (receipts, seenKey)
        case .twilio:
            let parameters = FormBody.parse(body)
            let url = provider["statusCallback"].isEmpty ? "\(publicURL)/v1/receipts/\(provider.name)" : provider["statusCallback"]
            guard ReceiptSignature.twilioValid(header: request.headers[.twilioSignature] ?? "", url: url, parameters: parameters,
                                               authToken: provider["authToken"]) else {
                throw NotifyError.unauthorized("the receipt's X-Twilio-Signature does not verify")
            }
            guard let receipt = ProviderReceipt.twilio(parameters) else { throw NotifyError.invalid("body", "is not a Twilio status callback") }
            return ([receipt], nil)
        default:
            throw NotifyError.notFound("provider '\(provider.name)' does not post receipts")
        }
    }
}
