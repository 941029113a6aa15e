import Foundation
import NotifyTestSupport

/// A message as Python's `email` package (policy.default) understands it: an independent
/// MIME decoder to check what ``Transport/MailMessage`` renders.
struct ParsedMail: Decodable {
    struct Address: Decodable {
        let name: String
        let address: String
    }

    struct Part: Decodable {
        let type: String
        let charset: String?
        let encoding: String?
        let content: String
    }

    let subject: String
    let from: [Address]
    let to: [Address]
    let headers: [[String]]
    let parts: [Part]
    let defects: [String]

    func header(_ name: String) -> String? {
        headers.first { $0.first?.lowercased() == name.lowercased() }.flatMap { $0.count > 1 ? $0[1] : nil }
    }

    /// Parses `raw` with `/usr/bin/python3 -c <script>`.
    static func parse(_ raw: [UInt8]) throws -> ParsedMail {
        let dir = try Loopback.temporaryDirectory("nm-mailparse")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("message.eml")
        try Data(raw).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: HTTPTestServer.pythonPath)
        process.arguments = ["-c", script, file.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestSupportError("python email parse failed") }
        return try JSONDecoder().decode(ParsedMail.self, from: data)
    }

    private static let script = #"""
import email, json, sys
from email import policy
msg = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=policy.default)
def addrs(field):
    header = msg[field]
    return [] if header is None else [{"name": a.display_name, "address": a.addr_spec} for a in header.addresses]
parts = []
defects = [str(d) for d in msg.defects]
for part in msg.walk():
    defects += [str(d) for d in part.defects]
    if part.is_multipart():
        continue
    parts.append({"type": part.get_content_type(), "charset": part.get_content_charset(),
                  "encoding": part.get("Content-Transfer-Encoding"), "content": part.get_content()})
print(json.dumps({"subject": str(msg["subject"]), "from": addrs("from"), "to": addrs("to"),
                  "headers": [[k, str(v)] for k, v in msg.items()], "parts": parts, "defects": defects}))
"""#
}
