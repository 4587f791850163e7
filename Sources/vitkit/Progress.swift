#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A one-line progress display on stderr (only when it is a terminal).
final class Progress {
    let enabled: Bool
    let start: Double
    var shown = false
    static let barWidth = 24

    init(enabled: Bool) {
        self.enabled = enabled
        start = Self.now()
    }

    func update(done: Int, total: Int) {
        guard enabled else { return }
        let elapsed = Self.now() - start
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Int((Double(total - done) / rate).rounded()) : 0
        let filled = total > 0 ? min(Self.barWidth, done * Self.barWidth / total) : Self.barWidth
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: Self.barWidth - filled)
        let line = "\r\u{1B}[K[\(bar)] \(done)/\(total) images, \(Int(rate.rounded())) images/s, "
            + "ETA \(eta / 60):\(eta % 60 < 10 ? "0" : "")\(eta % 60)"
        let bytes = Array(line.utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        shown = true
    }

    func clear() {
        guard shown else { return }
        let bytes = Array("\r\u{1B}[K".utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        shown = false
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
