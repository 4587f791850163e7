/// File paths as Swift strings that keep every byte of the name.
///
/// Linux file names are bytes, not text: a name that is not valid UTF-8 would lose its
/// invalid bytes in a plain `String` (they become U+FFFD) and could then not be opened.
/// `decode` keeps each such byte as the private-use scalar U+10FF00 + byte, and every
/// system call in vitkit turns paths back into bytes through `withCString`, which undoes
/// it. Valid UTF-8 names are unchanged.
package enum SystemPath {
    static let escapeBase: UInt32 = 0x10FF00

    /// Decodes a path's bytes, escaping bytes that are not valid UTF-8.
    package static func decode<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        if let plain = String(validating: bytes, as: UTF8.self), !plain.unicodeScalars.contains(where: isEscape) {
            return plain
        }
        let bytes = Array(bytes)
        var scalars = String.UnicodeScalarView()
        var i = 0
        while i < bytes.count {
            // A valid scalar is kept, unless it is itself in the escape range (then its
            // bytes are escaped one by one, so `bytes(_:)` gives them back unchanged).
            if let (scalar, length) = scalarAt(bytes, i), !isEscape(scalar) {
                scalars.append(scalar)
                i += length
            } else {
                scalars.append(escape(bytes[i]))
                i += 1
            }
        }
        return String(scalars)
    }

    /// The valid UTF-8 scalar starting at `i`, with its length in bytes.
    static func scalarAt(_ bytes: [UInt8], _ i: Int) -> (Unicode.Scalar, Int)? {
        let lead = bytes[i]
        let length = lead < 0x80 ? 1 : lead >= 0xC2 && lead < 0xE0 ? 2 : lead >= 0xE0 && lead < 0xF0 ? 3 : lead >= 0xF0 && lead < 0xF5 ? 4 : 0
        guard length > 0, i + length <= bytes.count else { return nil }
        return String(validating: bytes[i..<i + length], as: UTF8.self)?.unicodeScalars.first.map { ($0, length) }
    }

    static func escape(_ byte: UInt8) -> Unicode.Scalar { Unicode.Scalar(escapeBase + UInt32(byte))! }

    static func isEscape(_ s: Unicode.Scalar) -> Bool { s.value >= escapeBase + 0x80 && s.value <= escapeBase + 0xFF }

    /// The raw byte a scalar of a decoded path stands for, if it is an escape.
    package static func rawByte(_ s: Unicode.Scalar) -> UInt8? {
        isEscape(s) ? UInt8(s.value - escapeBase) : nil
    }

    /// Decodes a NUL-terminated path from the system.
    package static func decode(cString: UnsafePointer<CChar>) -> String {
        let count = strlenSwift(cString)
        return cString.withMemoryRebound(to: UInt8.self, capacity: count) { decode(UnsafeBufferPointer(start: $0, count: count)) }
    }

    static func strlenSwift(_ p: UnsafePointer<CChar>) -> Int {
        var n = 0
        while p[n] != 0 { n += 1 }
        return n
    }

    /// The bytes the system knows `path` by.
    package static func bytes(_ path: String) -> [UInt8] {
        guard path.unicodeScalars.contains(where: isEscape) else { return Array(path.utf8) }
        var out: [UInt8] = []
        for s in path.unicodeScalars {
            if isEscape(s) { out.append(UInt8(s.value - escapeBase)) } else { out.append(contentsOf: String(s).utf8) }
        }
        return out
    }

    /// Calls `body` with `path` as the NUL-terminated bytes to pass to a system call.
    package static func withCString<R, E: Error>(_ path: String, _ body: (UnsafePointer<CChar>) throws(E) -> R) throws(E) -> R {
        var raw = bytes(path).map { CChar(bitPattern: $0) }
        raw.append(0)
        return try raw.withUnsafeBufferPointer { (b) throws(E) -> R in try body(b.baseAddress!) }
    }
}
