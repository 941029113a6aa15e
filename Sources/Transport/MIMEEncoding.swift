import Foundation

/// Encoders for mail: RFC 2047 encoded-words, base64 and quoted-printable bodies, header folding.
///
/// They work on UTF-8 bytes where the text allows it: rendering runs once per email sent.
enum MIMEEncoding {
    static let lineLimit = 76

    /// Replaces CR and LF (header injection) with spaces.
    static func removingLineBreaks(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A }) else { return text }
        return String(text.map { $0 == "\r" || $0 == "\n" || $0 == "\r\n" ? " " : $0 })
    }

    /// `=?UTF-8?B?...?=` words of at most 64 characters, split between characters (never inside one).
    static func encodedWords(_ text: String) -> [String] {
        let maxBytes = 39  // 52 base64 characters + 12 for the wrapper = 64, leaving room for "Subject: "
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = character.utf8
            if !chunk.isEmpty, chunk.count + bytes.count > maxBytes {
                words.append(word(chunk))
                chunk.removeAll(keepingCapacity: true)
            }
            chunk.append(contentsOf: bytes)
        }
        if !chunk.isEmpty { words.append(word(chunk)) }
        return words
    }

    private static func word(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + Data(bytes).base64EncodedString() + "?="
    }

    /// UTF-8 text with every line ending (LF, CR or CRLF) made CRLF.
    static func crlfLines(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + text.utf8.count / 32)
        var afterCR = false
        for byte in text.utf8 {
            // The LF of a CRLF was written with its CR.
            defer { afterCR = byte == 0x0D }
            if byte == 0x0A && afterCR { continue }
            if byte == 0x0D || byte == 0x0A {
                out.append(0x0D)
                out.append(0x0A)
            } else {
                out.append(byte)
            }
        }
        return out
    }

    /// Appends `text` as a body: quoted-printable for mostly-ASCII text (readable), base64 otherwise (compact);
    /// returns the encoding's name.
    static func appendBody(_ text: String, to out: inout [UInt8]) -> String {
        let bytes = crlfLines(text)
        var nonASCII = 0
        for byte in bytes where byte >= 0x80 { nonASCII += 1 }
        if nonASCII * 5 <= bytes.count {
            appendQuotedPrintable(bytes, to: &out)
            return "quoted-printable"
        }
        let base64 = Data(bytes).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        out.append(contentsOf: base64.utf8)
        return "base64"
    }

    private static let hex = Array("0123456789ABCDEF".utf8)

    /// RFC 2045 quoted-printable with soft breaks so no line exceeds 76 characters, appended to `out`.
    static func appendQuotedPrintable(_ bytes: [UInt8], to out: inout [UInt8]) {
        out.reserveCapacity(out.count + bytes.count + bytes.count / 8)
        var lineLength = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                out.append(0x0D)
                out.append(0x0A)
                lineLength = 0
                index += 2
                continue
            }
            let atLineEnd = index + 1 == bytes.count || (bytes[index + 1] == 0x0D)
            let literal = (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "="))
                || ((byte == 0x20 || byte == 0x09) && !atLineEnd)
            let width = literal ? 1 : 3
            // Keep room for the soft-break "=" unless this piece ends the line.
            let limit = atLineEnd ? lineLimit : lineLimit - 1
            if lineLength + width > limit {
                out.append(UInt8(ascii: "="))
                out.append(0x0D)
                out.append(0x0A)
                lineLength = 0
            }
            if literal {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "="))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
            lineLength += width
            index += 1
        }
    }

    /// Appends a header line, folded at spaces so lines stay within 78 characters where possible, and its CRLF.
    static func appendHeader(_ line: String, to out: inout [UInt8]) {
        // Header lines are ASCII but for an address that is not: bytes split as characters do there.
        if line.utf8.count <= 78 || !line.utf8.allSatisfy({ $0 < 0x80 }) {
            out.append(contentsOf: fold(line).utf8)
        } else {
            var current = 0
            // Whether the output line so far holds more than whitespace: only such a line is ended before a word.
            var visible = false
            for (offset, word) in line.utf8.split(separator: 0x20, omittingEmptySubsequences: false).enumerated() {
                if offset > 0, current + 1 + word.count > 78, visible {
                    out.append(0x0D)
                    out.append(0x0A)
                    current = 0
                    visible = false
                }
                if offset > 0 {
                    out.append(0x20)
                    current += 1
                }
                let wordStart = out.count
                out.append(contentsOf: word)
                current += word.count
                if !visible { visible = out[wordStart...].contains { $0 != 0x20 && !(0x09...0x0D).contains($0) } }
            }
        }
        out.append(0x0D)
        out.append(0x0A)
    }

    /// Folds a header line at spaces so lines stay within 78 characters where possible.
    static func fold(_ line: String) -> String {
        guard line.utf8.count > 78 else { return line }
        var result = ""
        var current = ""
        for (offset, word) in line.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
            if offset == 0 {
                current = String(word)
            } else if current.utf8.count + 1 + word.utf8.count > 78, !current.trimmingSpaces().isEmpty {
                result += current + "\r\n"
                current = " " + word
            } else {
                current += " " + word
            }
        }
        return result + current
    }
}
