/// Lower-case hexadecimal, without Foundation's format strings: ids and signatures are hashed on every
/// notification, and `String(format: "%02x")` per byte cost a fifth of fan-out's CPU.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func encode<Bytes: Sequence>(_ bytes: Bytes, prefix: String = "") -> String where Bytes.Element == UInt8 {
        if let text = bytes.withContiguousStorageIfAvailable({ encode(UnsafeRawBufferPointer($0), prefix: prefix) }) { return text }
        return encode(Array(bytes), prefix: prefix)
    }

    /// `prefix` and then two digits per byte, written straight into the string's storage: a digest's bytes iterated
    /// one by one through `Sequence`, into an array and then a string, were a twentieth of fan-out's CPU.
    public static func encode(_ bytes: UnsafeRawBufferPointer, prefix: String = "") -> String {
        var prefix = prefix
        let head = prefix.utf8.count
        return String(unsafeUninitializedCapacity: head + bytes.count * 2) { out in
            var at = prefix.withUTF8 { UnsafeMutableRawBufferPointer(out).copyMemory(from: UnsafeRawBufferPointer($0)); return $0.count }
            digits.withUnsafeBufferPointer { table in
                for byte in bytes {
                    out[at] = table[Int(byte >> 4)]
                    out[at + 1] = table[Int(byte & 0x0F)]
                    at += 2
                }
            }
            return at
        }
    }
}
