import ArgumentParser
import Foundation

extension Admin.Failures {
    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay one failed notification, or every failure matching the filters (--all-matching).",
            discussion: """
            One:   notifyme admin failures replay ntf_... --reason 'gateway outage INC-42'
            Many:  notifyme admin failures replay --all-matching --channel sms \\
                     --since 2026-11-23T08:00:00Z --reason '...'
            A bulk replay runs as a background job; this command shows its progress on
            stderr until it ends (--no-wait prints the job id and returns). Each replay
            checks the resident's data and consent as they are now.
            """ + "\n" + AdminClient.Exit.help
        )

        @OptionGroup var client: AdminClient
        @OptionGroup var filter: FailureFilterOptions

        @Argument(help: "The notification id (ntf_...); omit it with --all-matching.")
        var id: String?

        @Flag(help: "Replay every failure matching the filters, as a background job.")
        var allMatching = false

        @Option(help: "Why (required; goes into the audit log).")
        var reason: String

        @Flag(help: "With --all-matching: print the job id and return without waiting.")
        var noWait = false

        func validate() throws {
            guard (id == nil) == allMatching else {
                throw ValidationError("give a notification id, or --all-matching with filters, not both")
            }
            if id != nil && !filter.body.isEmpty { throw ValidationError("filters go with --all-matching") }
        }

        func run() async throws {
            guard allMatching else {
                let answer = try await client.call("POST", "/v1/admin/failures/\(id ?? "")/replay", body: ["reason": reason])
                print("replayed \(answer["id"] ?? "") on \(answer["channel"] ?? "")")
                return
            }
            let created = try await client.call("POST", "/v1/admin/failures/replay", body: ["filter": filter.body, "reason": reason])
            let jobId = created["jobId"] as? String ?? ""
            print(jobId)
            if noWait { return }
            let bar = ProgressBar()
            var job: [String: Any]
            repeat {
                try await Task.sleep(for: .milliseconds(500))
                job = try await client.call("GET", "/v1/admin/jobs/\(jobId)")
                bar.show(done: job["processed"] as? Int ?? 0, total: job["total"] as? Int ?? 0,
                         note: "replayed \(job["replayed"] as? Int ?? 0)")
            } while !["done", "failed"].contains(job["status"] as? String ?? "")
            bar.finish()
            if job["status"] as? String == "failed" {
                throw CLI.fail("the replay job stopped on an error after \(job["processed"] as? Int ?? 0) processed; the audit log says why",
                               code: AdminClient.Exit.unavailable)
            }
            let skipped = job["skipped"] as? [String: Int] ?? [:]
            FileHandle.standardError.write(Data("replayed \(job["replayed"] as? Int ?? 0) of \(job["total"] as? Int ?? 0)\n".utf8))
            for (why, count) in skipped.sorted(by: { $0.key < $1.key }) {
                FileHandle.standardError.write(Data("not replayed, \(why): \(count)\n".utf8))
            }
            if !skipped.isEmpty { throw ExitCode(AdminClient.Exit.partial) }
        }
    }
}
