#if canImport(Glibc)
import Glibc
#endif

/// Writes a line to stderr (notes that must not pollute stdout, e.g. under --json).
func printError(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
