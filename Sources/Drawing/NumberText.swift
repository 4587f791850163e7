#if canImport(Glibc)
import Glibc
#endif

/// Numbers as plots print them.
package enum NumberText {
    /// `v` with `digits` significant digits in C's `%g` style (`0.01234`, `1.235e-05`); `-` for NaN.
    package static func short(_ v: Double, digits: Int = 4) -> String {
        guard !v.isNaN else { return "-" }
        var buffer = [CChar](repeating: 0, count: 32)
        _ = withVaList([Int32(digits), v]) { vsnprintf(&buffer, buffer.count, "%.*g", $0) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
