import NotifyCore
import Testing

@Suite struct TemplateSetTests {
    let templates: TemplateSet

    init() throws {
        templates = try TemplateSet(sources: [
            TemplateKey(eventType: "fine", language: .en, channel: .sms): "Fine {{amount}} for {{plate}} <ok>",
            TemplateKey(eventType: "fine", language: .ar, channel: .email): "Subject: مخالفة {{plate}}\n\nالمبلغ {{amount}}\n",
            TemplateKey(eventType: "fine", language: .ar, channel: .email, part: .html): "<p>{{plate}}</p>",
        ])
    }

    @Test func rendersTextWithoutHTMLEscaping() throws {
        let m = try templates.render(eventType: "fine", language: .en, channel: .sms, data: ["amount": .number(20), "plate": .string("A&B")])
        #expect(m.body == "Fine 20 for A&B <ok>")
        #expect(m.subject == nil)
    }

    @Test func rendersArabicEmailWithSubjectAndEscapedHTML() throws {
        let m = try templates.render(eventType: "fine", language: .ar, channel: .email, data: ["amount": .string("20"), "plate": .string("<1234>")])
        #expect(m.subject == "مخالفة <1234>")
        #expect(m.body == "المبلغ 20")
        #expect(m.html == "<p>&lt;1234&gt;</p>")
    }

    @Test func listsVariablesForValidation() {
        #expect(templates.variables(of: "fine") == ["amount", "plate"])
    }

    @Test func missingTemplateIsAnError() {
        #expect(throws: NotifyError.self) { try templates.render(eventType: "fine", language: .ar, channel: .sms, data: [:]) }
    }

    @Test func emailTemplateNeedsASubjectLine() {
        #expect(throws: NotifyError.self) {
            try TemplateSet(sources: [TemplateKey(eventType: "x", language: .en, channel: .email): "no subject here"])
        }
    }

    @Test func parsesTemplateFileNames() {
        #expect(TemplateKey(eventType: "e", fileName: "ar.email.html.mustache")?.part == .html)
        #expect(TemplateKey(eventType: "e", fileName: "en.sms.mustache")?.channel == .sms)
        #expect(TemplateKey(eventType: "e", fileName: "fr.sms.mustache") == nil)
        #expect(TemplateKey(eventType: "e", fileName: "en.sms.txt.mustache") == nil)
    }
}
