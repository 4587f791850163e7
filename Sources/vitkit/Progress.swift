import ArgumentParser
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A one-line progress display on stderr (only when it is a terminal, and not `--quiet`).
final class Progress: @unchecked Sendable {
    let enabled: Bool
    /// What is counted, e.g. "images", "tensors".
    let unit: String
    let start: Double
    var shown = false
    var lastDrawn = -1.0
    static let barWidth = 24

    init(enabled: Bool, unit: String = "images") {
        self.enabled = enabled
        self.unit = unit
        start = Self.now()
    }

    func update(done: Int, total: Int) {
        guard enabled else { return }
        // At most ten redraws a second (and always the last).
        let now = Self.now()
        guard done >= total || now - lastDrawn >= 0.1 else { return }
        lastDrawn = now
        let elapsed = now - start
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Int((Double(total - done) / rate).rounded()) : 0
        let filled = total > 0 ? min(Self.barWidth, done * Self.barWidth / total) : Self.barWidth
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: Self.barWidth - filled)
        let line = "\r\u{1B}[K[\(bar)] \(done)/\(total) \(unit), \(Int(rate.rounded())) \(unit)/s, "
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

/// `--quiet` for commands that show progress on stderr.
struct ProgressOptions: ParsableArguments {
    @Flag(help: "No progress bar on stderr (it is shown only when stderr is a terminal).")
    var quiet = false

    /// A progress display counting `unit`, enabled when stderr is a terminal and not `--quiet`.
    func bar(_ unit: String) -> Progress { Progress(enabled: !quiet && isatty(2) == 1, unit: unit) }
}
