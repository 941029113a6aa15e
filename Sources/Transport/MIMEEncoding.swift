import Foundation

/// Encoders for mail: RFC 2047 encoded-words, base64 and quoted-printable bodies, header folding.
enum MIMEEncoding {
    static let lineLimit = 76

    /// Replaces CR and LF (header injection) with spaces.
    static func removingLineBreaks(_ text: String) -> String {
        guard text.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return text }
        return String(text.map { $0 == "\r" || $0 == "\n" || $0 == "\r\n" ? " " : $0 })
    }

    /// `=?UTF-8?B?...?=` words of at most 64 characters, split between characters (never inside one).
    static func encodedWords(_ text: String) -> [String] {
        let maxBytes = 39  // 52 base64 characters + 12 for the wrapper = 64, leaving room for "Subject: "
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
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
        let source = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(source.count + source.count / 32)
        var index = 0
        while index < source.count {
            let byte = source[index]
            if byte == 0x0D || byte == 0x0A {
                out.append(contentsOf: [0x0D, 0x0A])
                if byte == 0x0D, index + 1 < source.count, source[index + 1] == 0x0A { index += 1 }
            } else {
                out.append(byte)
            }
            index += 1
        }
        return out
    }

    /// Picks quoted-printable for mostly-ASCII text (readable) and base64 otherwise (compact).
    static func encodeBody(_ text: String) -> (encoding: String, lines: String) {
        let bytes = crlfLines(text)
        let nonASCII = bytes.reduce(0) { $0 + ($1 >= 0x80 ? 1 : 0) }
        if nonASCII * 5 <= bytes.count {
            return ("quoted-printable", quotedPrintable(bytes))
        }
        let base64 = Data(bytes).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return ("base64", base64)
    }

    /// RFC 2045 quoted-printable with soft breaks so no line exceeds 76 characters.
    static func quotedPrintable(_ bytes: [UInt8]) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        var lineLength = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                out.append(contentsOf: [0x0D, 0x0A])
                lineLength = 0
                index += 2
                continue
            }
            let atLineEnd = index + 1 == bytes.count || (bytes[index + 1] == 0x0D)
            let literal = (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "="))
                || ((byte == 0x20 || byte == 0x09) && !atLineEnd)
            let piece: [UInt8] = literal ? [byte] : [UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            // Keep room for the soft-break "=" unless this piece ends the line.
            let limit = atLineEnd ? lineLimit : lineLimit - 1
            if lineLength + piece.count > limit {
                out.append(contentsOf: [UInt8(ascii: "="), 0x0D, 0x0A])
                lineLength = 0
            }
            out.append(contentsOf: piece)
            lineLength += piece.count
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
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
