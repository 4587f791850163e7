import VitKit

/// Text for the terminal: names from files (tensor names, npz members, labels, paths) may
/// hold control characters or escape sequences that would rewrite the user's screen.
enum Terminal {
    /// `text` with control characters (C0 but tab, DEL, C1), bidirectional overrides and the
    /// bytes of non-UTF-8 file names shown as escapes (`\e`, `\x7f`, `\u{202e}`, `\xff`);
    /// newlines too unless `keepNewlines`.
    static func escape(_ text: String, keepNewlines: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0, keepNewlines: keepNewlines) }) else { return text }
        var out = ""
        for s in text.unicodeScalars {
            guard needsEscape(s, keepNewlines: keepNewlines) else { out.unicodeScalars.append(s); continue }
            switch s {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\u{1B}": out += "\\e"
            default:
                if let byte = SystemPath.rawByte(s) {
                    out += "\\x" + hex(UInt32(byte))
                } else if s.value < 0x100 {
                    out += "\\x" + hex(s.value)
                } else {
                    out += "\\u{" + String(s.value, radix: 16) + "}"
                }
            }
        }
        return out
    }

    /// `text` with each line longer than `limit` characters cut in the middle (its start and
    /// end kept, the count of what was cut in between): an error that echoes a 66 KB name from a
    /// file stays readable.
    static func shorten(_ text: String, limit: Int = 4096) -> String {
        guard text.utf8.count > limit else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.count > limit else { return String(line) }
            let head = String(line.prefix(limit * 3 / 4)), tail = String(line.suffix(limit / 8))
            return head + "…[\(line.count - head.count - tail.count) characters cut]…" + tail
        }.joined(separator: "\n")
    }

    static func hex(_ v: UInt32) -> String { (v < 16 ? "0" : "") + String(v, radix: 16) }

    static func needsEscape(_ s: Unicode.Scalar, keepNewlines: Bool) -> Bool {
        switch s.value {
        case 0x0A: !keepNewlines
        case 0x09: false
        case 0x00..<0x20, 0x7F..<0xA0: true
        case 0x202A...0x202E, 0x2066...0x2069: true
        default: SystemPath.rawByte(s) != nil
        }
    }
}

/// Prints text output with `Terminal.escape` (newlines kept). JSON output uses `print`:
/// the JSON writer escapes control characters itself.
func printText(_ text: String) {
    print(Terminal.escape(text, keepNewlines: true))
}
