import Foundation
import Hummingbird
import HummingbirdTesting
import NotifyAPI
import NotifyCore
import NotifyStore
import NotifyTestSupport
import Testing

/// The staff console at /console in a real headless Chromium: sign in, the failures table, a replay, the audit log, Arabic.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ConsoleTests {
    static let rows = "#failures-table tr[data-notification]"

    @Test func anOperatorReplaysAFailureThroughThePage() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        try await Population.seed(env, 0..<3)
        let ids = try await FailureKit.seed(env, 0..<3)
        let operatorToken = try await env.staffToken("s.ali", role: "operator")
        let auditor = try await env.staffToken("s.huda", role: "auditor")
        let app = Application(router: buildRouter(env.deps), configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: env.logger)
        try await app.test(.live) { client in
            let url = "http://127.0.0.1:\(client.port ?? 0)/console"
            // Self-contained: nothing fetched from anywhere but this server.
            try await client.execute(uri: "/console", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                let page = String(buffer: response.body)
                for external in ["src=\"http", "href=\"http", "src=\"//", "href=\"//", "@import", "url(http"] {
                    #expect(!page.contains(external), "\(external)")
                }
            }
            try await WebDriver.with { browser in
                try await browser.open(url)
                try await browser.run("localStorage.setItem('notifyme.console.lang', 'en'); location.reload();")
                try await browser.wait(for: "return document.documentElement.lang === 'en' && !!document.getElementById('signin')", "the sign-in form")
                try await browser.type("#token", operatorToken)
                try await browser.type("#purpose", "INC-42 follow-up")
                try await browser.click("#signin")
                try await browser.wait(for: "return document.querySelectorAll('\(Self.rows)').length === 3", "three failures")
                #expect(try await browser.text("#whoami").contains("s.ali"))

                // Replay the first failure with a reason, through the dialog.
                try await browser.click("\(Self.rows)[data-notification='\(ids[0])'] .replay")
                try await browser.type("#replay-reason", "gateway outage INC-42")
                try await browser.click("#replay-confirm")
                try await browser.wait(for: "return !document.getElementById('notice').hidden", "the replay notice")
                try await browser.wait(for: """
                    return document.querySelector("\(Self.rows)[data-notification='\(ids[0])'] td.status").dataset.status === 'queued'
                    """, "the row to show queued")
                #expect(try await browser.run("return document.querySelectorAll(\"\(Self.rows)[data-notification='\(ids[0])'] .replay\").length") as? Int == 0)
                #expect(try await NotificationStore(redis: env.redis).load(ids[0])?.notification.status == .queued)

                // The timeline, read with the purpose given at sign-in (audited).
                try await browser.click("\(Self.rows)[data-notification='\(ids[1])'] .show-timeline")
                try await browser.wait(for: "return document.querySelectorAll('#timeline-list li').length", "the timeline")
                #expect(try await browser.text("#timeline-list").contains("gave up after 3 attempts"))

                // The audit log shows both acts, with who and why.
                try await browser.click("#tab-audit")
                try await browser.wait(for: "return document.querySelectorAll('#audit-table tr[data-audit]').length >= 2", "the audit rows")
                let audit = try await browser.text("#audit-table")
                #expect(audit.contains("gateway outage INC-42"), "\(audit)")
                #expect(audit.contains("INC-42 follow-up"), "\(audit)")
                #expect(audit.contains("s.ali"), "\(audit)")

                // Arabic, right to left.
                try await browser.click("#lang-toggle")
                #expect(try await browser.run("return document.documentElement.dir") as? String == "rtl")
                #expect(try await browser.run("return document.documentElement.lang") as? String == "ar")
                #expect(try await browser.text("#tab-failures") != "Failures")

                // An auditor sees the failures but no way to replay them.
                try await browser.click("#signout")
                try await browser.type("#token", auditor)
                try await browser.type("#purpose", "monthly review")
                try await browser.click("#signin")
                try await browser.wait(for: "return document.querySelectorAll('\(Self.rows)').length === 3", "the auditor's table")
                #expect(try await browser.run("return document.querySelectorAll('\(Self.rows) .replay').length") as? Int == 0)
                #expect(try await browser.run("return document.getElementById('bulk-replay').hidden") as? Bool == true)
                let errors = try await browser.run("return document.getElementById('error').hidden") as? Bool
                #expect(errors == true)
            }
        }
    }
}
