import NotifyCore
import Testing

@Suite struct ValidationTests {
    @Test(arguments: ["880101234", "000000001"])
    func acceptsNineDigitCPR(_ raw: String) throws {
        #expect(try CPR(raw).value == raw)
    }

    @Test(arguments: ["", "12345678", "1234567890", "88010123a", "８８０１０１２３４"])
    func rejectsBadCPR(_ raw: String) {
        #expect(throws: NotifyError.self) { try CPR(raw) }
    }

    @Test func normalisesPhoneNumbers() throws {
        #expect(try PhoneNumber("3600 1234").e164 == "+97336001234")
        #expect(try PhoneNumber("+973 3600-1234").e164 == "+97336001234")
        #expect(try PhoneNumber("0097336001234").e164 == "+97336001234")
        #expect(try PhoneNumber("+966 50 123 4567").e164 == "+966501234567")
        #expect(try PhoneNumber("+44 20 7946 0958").e164 == "+442079460958")
    }

    @Test(arguments: ["123", "+973 3600 123", "+966 50 123 45", "phone", "+0123456789", "36001234x"])
    func rejectsBadPhoneNumbers(_ raw: String) {
        #expect(throws: NotifyError.self) { try PhoneNumber(raw) }
    }

    @Test func validatesEmail() throws {
        #expect(try EmailAddress(" Fatima@Example.BH ").value == "Fatima@example.bh")
        for bad in ["", "a", "a@b", "@example.com", "a..b@example.com", "a@-x.com", "a b@example.com", String(repeating: "a", count: 65) + "@x.com"] {
            #expect(throws: NotifyError.self, "\(bad)") { try EmailAddress(bad) }
        }
    }

    @Test func redactionHidesContactDetails() throws {
        #expect(try PhoneNumber("+97336001234").redacted == "+973****1234")
        #expect(try EmailAddress("fatima@example.bh").redacted == "f***@example.bh")
        #expect(try CPR("880101234").redacted == "******234")
    }

    @Test func errorNamesItsField() {
        do {
            _ = try PhoneNumber("12", field: "phone")
            Issue.record("expected an error")
        } catch {
            #expect(error.fields.first?.field == "phone")
            #expect(error.httpStatus == 422)
        }
    }

    @Test func eventPatterns() throws {
        let p = try EventPattern.list("passport.*,traffic.fine-issued")
        #expect(p[0].matches("passport.expiry"))
        #expect(!p[0].matches("passports.expiry"))
        #expect(p[1].matches("traffic.fine-issued"))
        #expect(!p[1].matches("traffic.fine"))
        #expect(try EventPattern("*").matches("anything"))
        #expect(throws: NotifyError.self) { try EventPattern("pass*port") }
        #expect(throws: NotifyError.self) { try EventPattern.list(" , ") }
    }
}
