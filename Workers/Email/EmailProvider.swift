import Foundation
import Transport

/// Email as a provider: builds the MIME message (plain text, HTML alternative, a Message-ID stable per
/// notification, List-Unsubscribe for optional categories) and hands it to an SMTP server or the outbox.
public struct EmailProvider: ProviderAdapter {
    public let name: String
    let sender: any EmailSender
    /// The From header, e.g. `NotifyMe <no-reply@notify.gov.bh>`.
    let fromHeader: String

    public init(name: String, sender: any EmailSender, fromHeader: String) {
        self.name = name
        self.sender = sender
        self.fromHeader = fromHeader
    }

    public func send(_ message: OutboundMessage) async throws -> ProviderAcceptance {
        let mail = Self.mail(message, fromHeader: fromHeader)
        do {
            try await sender.send(mail, from: Self.address(in: fromHeader), to: message.to)
        } catch let t as TransportError where t.isPermanentSMTPRejection {
            throw ProviderError.permanent("\(name): the mail server refused the message (\(t.smtpReplyCode ?? 0))")
        } catch let t as TransportError where t.isSMTPRejected {
            throw ProviderError.transient("\(name): the mail server deferred the message (\(t.smtpReplyCode ?? 0))")
        } catch {
            throw ProviderError.from(error, provider: name)
        }
        return ProviderAcceptance(messageId: mail.messageID)
    }

    static func mail(_ message: OutboundMessage, fromHeader: String) -> MailMessage {
        var headers = [HTTPHeader(name: "X-Notification-Id", value: message.notificationId)]
        if let url = message.unsubscribeURL {
            // RFC 8058: one POST to this URL unsubscribes, without a login or a confirmation page.
            headers.append(HTTPHeader(name: "List-Unsubscribe", value: "<\(url)>"))
            headers.append(HTTPHeader(name: "List-Unsubscribe-Post", value: "List-Unsubscribe=One-Click"))
        }
        let domain = address(in: fromHeader).split(separator: "@").last.map(String.init) ?? "notifyme"
        // Stable per notification, so a resend after a cut-off send is recognisable as the same message.
        return MailMessage(from: fromHeader, to: [message.to], subject: message.subject ?? "", textBody: message.body,
                           htmlBody: message.html, messageID: "<\(message.notificationId)@\(domain)>", date: Date(), extraHeaders: headers)
    }

    /// The bare address of a header such as `NotifyMe <no-reply@notify.gov.bh>`.
    static func address(in header: String) -> String {
        guard let open = header.lastIndex(of: "<"), let close = header.lastIndex(of: ">"), open < close else { return header }
        return String(header[header.index(after: open)..<close])
    }
}
