#if canImport(Glibc)
@preconcurrency import Glibc
#endif

extension Terminal {
    /// Columns of the terminal stdout writes to; nil when stdout is not a terminal (a pipe or
    /// a file gets whole lines, for scripts).
    static var stdoutColumns: Int? {
        guard isatty(1) == 1 else { return nil }
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// `text` cut to `width` characters by replacing its middle with `…` (names keep their
    /// start and their end, where the layer and the parameter are).
    static func elide(_ text: String, to width: Int) -> String {
        let characters = Array(text)
        guard characters.count > width, width >= 3 else { return text }
        let tail = (width - 1) / 2, head = width - 1 - tail
        return String(characters[..<head]) + "…" + String(characters[(characters.count - tail)...])
    }
}
