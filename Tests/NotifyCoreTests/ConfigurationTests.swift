import Foundation
import NotifyConfig
import NotifyCore
import Testing

@Suite struct ConfigurationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    @Test func defaultsWithoutAFile() throws {
        let c = try NotifyConfiguration.parse(yaml: "")
        #expect(c.http.port == 8080)
        #expect(c.usesEmbeddedRedis)
        #expect(c.effectiveRedisURL.hasPrefix("unix://"))
        #expect(c.email.smtpURL.isEmpty)
    }

    @Test func shippedFileParsesAndMatchesDefaults() throws {
        let yaml = try String(contentsOfFile: "\(Self.root)/Config/notifyme.yaml", encoding: .utf8)
        let c = try NotifyConfiguration.parse(yaml: yaml)
        #expect(c.redis.commandTimeout == .seconds(5))
        #expect(c.workers.maxAttempts == 5)
        let d = NotifyConfiguration().http
        #expect(c.http.idleTimeout == d.idleTimeout && c.http.requestTimeout == d.requestTimeout)
        #expect(c.http.maxBodyBytes == d.maxBodyBytes && c.http.maxHeaderBytes == d.maxHeaderBytes && c.http.maxHeaderCount == d.maxHeaderCount)
    }

    @Test func environmentOverridesTheFile() throws {
        let c = try NotifyConfiguration.parse(yaml: "http:\n  port: 9000\n", environment: [
            "NOTIFYME_HTTP_PORT": "9100", "NOTIFYME_REDIS_URL": "redis://127.0.0.1:6390/2",
            "NOTIFYME_DATA_DIR": "/tmp/nm-x", "NOTIFYME_SMTP_URL": "smtp://127.0.0.1:2525",
        ])
        #expect(c.http.port == 9100)
        #expect(!c.usesEmbeddedRedis)
        #expect(c.effectiveRedisURL == "redis://127.0.0.1:6390/2")
        #expect(c.outboxDir == "/tmp/nm-x/outbox")
        #expect(c.email.smtpURL == "smtp://127.0.0.1:2525")
    }

    @Test(arguments: [
        ("http:\n  port: 70000\n", "http.port"),
        ("http:\n  port: abc\n", "http.port"),
        ("http:\n  maxBodyBytes: 10\n", "http.maxBodyBytes"),
        ("http:\n  requestTimeout: 0s\n", "http.requestTimeout"),
        ("redis:\n  commandTimeout: soon\n", "redis.commandTimeout"),
        ("redis:\n  url: http://x\n", "redis.url"),
        ("redis:\n  appendfsync: never\n", "redis.appendfsync"),
        ("redis:\n  poolsize: 3\n", "redis.poolsize"),
        ("htp:\n  port: 1\n", "htp"),
        ("workers:\n  maxAttempts: 0\n", "workers.maxAttempts"),
        ("workers:\n  smsConcurrency: 4097\n", "workers.smsConcurrency"),
        ("logLevel: loud\n", "logLevel"),
        ("providers:\n  sms:\n    - {name: a, type: gateway, url: http://x}\n", "providers.sms[0].apiKey"),
        ("providers:\n  sms:\n    - {name: a, type: fcm, serviceAccountFile: f}\n", "providers.sms[0].type"),
        ("providers:\n  sms:\n    - {name: a, type: gateway, url: http://x, apiKey: k, batchSize: 0}\n", "providers.sms[0].batchSize"),
        ("providers:\n  sms:\n    - {name: a, type: gateway, url: http://x, apiKey: k, batchSize: many}\n", "providers.sms[0].batchSize"),
        ("providers:\n  sms:\n    - {name: a, type: twilio, accountSid: A, authToken: t, colour: red}\n", "providers.sms[0].colour"),
        ("providers:\n  push:\n    - {name: a, type: fcm, serviceAccountFile: f, weight: -1}\n", "providers.push[0].weight"),
        ("providers:\n  failover:\n    threshold: 2\n", "providers.failover.threshold"),
        ("providers:\n  simulator:\n    mode: maybe\n", "providers.simulator.mode"),
        ("http:\n  publicURL: notify.gov.bh\n", "http.publicURL"),
    ])
    func invalidValuesNameTheirKey(_ yaml: String, _ key: String) {
        do {
            _ = try NotifyConfiguration.parse(yaml: yaml)
            Issue.record("expected \(key) to be refused")
        } catch {
            #expect(error.key == key)
            #expect(error.description.contains(key))
        }
    }

    /// A window of thousands of sends keeps the cores busy while sends wait on Redis and the provider (see the bench).
    @Test func deliveryWindowsGoUpTo4096() throws {
        let c = try NotifyConfiguration.parse(yaml: "workers:\n  smsConcurrency: 4096\n  pushConcurrency: 2048\n  emailConcurrency: 1025\n")
        #expect(c.workers.smsConcurrency == 4096 && c.workers.pushConcurrency == 2048 && c.workers.emailConcurrency == 1025)
    }

    @Test func providersAreReadWithTheirOwnSettings() throws {
        let c = try NotifyConfiguration.parse(yaml: """
            providers:
              sms:
                - {name: gw, type: gateway, url: "http://127.0.0.1:1/sms", apiKey: k, weight: 3, rate: 50, timeout: 2s, batchSize: 250}
                - {name: tw, type: twilio, accountSid: AC1, authToken: t, from: "+97317000000"}
              push:
                - {name: web, type: webpush, vapidKeyFile: v.pem, subject: "mailto:ops@x.bh", allowedHosts: [127.0.0.1, fcm.googleapis.com]}
            """)
        #expect(c.providers.sms.map(\.name) == ["gw", "tw"])
        #expect(c.providers.sms[0].weight == 3)
        #expect(c.providers.sms[0].rate == 50)
        #expect(c.providers.sms[0].timeout == .seconds(2))
        #expect(c.providers.sms[0]["apiKey"] == "k")
        #expect(c.providers.sms[0]["batchSize"] == "250")
        #expect(c.providers.sms[1].kind == .twilio)
        #expect(c.providers.push[0]["allowedHosts"] == "127.0.0.1,fcm.googleapis.com")
        #expect(!c.providers.usesSimulator)
        #expect(try NotifyConfiguration.parse(yaml: "").providers.usesSimulator)
    }

    @Test func providerNamesAreUnique() {
        #expect(throws: ConfigError.self) {
            try NotifyConfiguration.parse(yaml: """
                providers:
                  sms: [{name: a, type: gateway, url: "http://x", apiKey: k}]
                  email: [{name: a, type: smtp, url: "smtp://x"}]
                """)
        }
    }

    @Test func badEnvironmentPortNamesTheVariable() {
        #expect { try NotifyConfiguration.parse(yaml: "", environment: ["NOTIFYME_HTTP_PORT": "eighty"]) } throws: { error in
            (error as? ConfigError)?.key == "NOTIFYME_HTTP_PORT"
        }
    }

    @Test func missingExplicitConfigFileIsAnError() {
        #expect(throws: ConfigError.self) { try NotifyConfiguration.load(environment: ["NOTIFYME_CONFIG": "/nonexistent/notifyme.yaml"]) }
    }

    @Test func shippedCatalogueAndTemplatesAgree() throws {
        let catalogue = try CatalogueLoader.load(path: "\(Self.root)/Config/events.yaml")
        let templates = try TemplateLoader.load(directory: "\(Self.root)/Templates")
        try TemplateLoader.check(templates, against: catalogue)
        let def = try catalogue.definition(of: "verification.code")
        #expect(catalogue.category(of: def).mandatory)
        // The starter set a government needs, each with both languages (checked above, email with its HTML part).
        for type in ["identity.document-expiry", "traffic.fine-issued", "utility.bill-due", "health.appointment-reminder",
                     "commercial.registration-renewal", "emergency.alert", "verification.code"] {
            #expect(catalogue.events[type] != nil, "\(type) missing")
        }
        #expect(catalogue.events["emergency.alert"]?.topics == true)
        #expect(catalogue.events["traffic.fine-issued"]?.topics == false)
        #expect(catalogue.topics["emergency.southern-governorate"] != nil)
    }

    @Test func anEmailWithoutItsHTMLPartIsRefused() throws {
        let catalogue = try CatalogueLoader.parse(yaml: "categories:\n  a: {mandatory: true}\nevents:\n  x.y:\n    category: a\n    channels: [email]\n")
        let text = try TemplateSet(sources: [TemplateKey(eventType: "x.y", language: .ar, channel: .email): "Subject: s\n\nb",
                                             TemplateKey(eventType: "x.y", language: .en, channel: .email): "Subject: s\n\nb"])
        #expect(throws: ConfigError.self) { try TemplateLoader.check(text, against: catalogue) }
    }

    @Test func badTopicNamesAreRefused() {
        #expect(throws: ConfigError.self) {
            try CatalogueLoader.parse(yaml: "categories: {}\nevents: {}\ntopics:\n  Bad Topic: {description: x}\n")
        }
    }

    @Test func catalogueRejectsUnknownCategory() {
        #expect(throws: ConfigError.self) {
            try CatalogueLoader.parse(yaml: "categories:\n  a: {mandatory: true}\nevents:\n  x:\n    category: b\n    channels: [sms]\n")
        }
    }
}
