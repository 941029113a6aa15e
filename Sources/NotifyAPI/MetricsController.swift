import Foundation
import Hummingbird
import Metrics
import NotifyCore
import NotifyStore
import Prometheus
import Redis

/// GET /metrics: the process's counters and timers in Prometheus text format, with each queue's backlog read at scrape time.
struct MetricsController {
    let redis: RedisClient
    let registry: PrometheusCollectorRegistry
    var partitions = 1

    /// The queues whose depth and oldest entry are reported, each with its partitions' streams, and their labels.
    static func queues(_ redis: RedisClient, partitions: Int = 1) -> [(queues: [WorkQueue], name: String)] {
        let channels = ChannelQueues(redis: redis, partitions: partitions)
        return Channel.allCases.map { (channels.queues($0), $0.rawValue) } + [
            ([WorkQueue(redis: redis, stream: Keys.stream("events"), group: "fanout")], "events"),
            ([CallbackQueue(redis: redis).queue], "callbacks"),
            ([ReplayJobStore(redis: redis).queue], "replays"),
        ]
    }

    func register(on router: Router<AppRequestContext>) {
        router.get("metrics") { _, _ in
            // Redis down: the process's own figures still go out; the queue gauges keep their last values.
            for (queues, name) in Self.queues(redis, partitions: partitions) {
                var depth = 0, oldest = 0.0
                var read = true
                for queue in queues {
                    guard let stats = try? await queue.stats() else { read = false; break }
                    depth += stats.depth
                    oldest = max(oldest, stats.oldestAge)
                }
                guard read else { continue }
                Gauge(label: "notifyme_queue_depth", dimensions: [("queue", name)]).record(depth)
                Gauge(label: "notifyme_queue_oldest_age_seconds", dimensions: [("queue", name)]).record(oldest)
            }
            var buffer: [UInt8] = []
            buffer.reserveCapacity(16_384)
            registry.emit(into: &buffer)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
    }
}
