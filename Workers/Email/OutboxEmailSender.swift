import Foundation
import Transport

/// Writes each email as an `.eml` file a person can open, when no SMTP server is configured.
public struct OutboxEmailSender: EmailSender {
    let directory: URL
    /// File writes block: they run here, one at a time, never on the cooperative pool the sends share.
    private let queue = DispatchQueue(label: "notifyme.outbox")

    public init(directory: String) throws {
        self.directory = URL(fileURLWithPath: directory, isDirectory: true)
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
    }

    public func send(_ message: MailMessage, from envelopeSender: String, to recipient: String) async throws {
        // The Message-ID is per notification, so a retried send overwrites rather than duplicates.
        let name = message.messageID.trimmingCharacters(in: CharacterSet(charactersIn: "<>")).replacingOccurrences(of: "/", with: "_")
        let file = directory.appendingPathComponent("\(name).eml")
        let bytes = Data(message.render())
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            queue.async {
                do {
                    try bytes.write(to: file, options: .atomic)
                    done.resume()
                } catch {
                    done.resume(throwing: error)
                }
            }
        }
    }
}
