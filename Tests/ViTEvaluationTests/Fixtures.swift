import Foundation
import TestScratch
import Tensors

/// Paths to the committed samples, found from this file's location.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func sample(_ relative: String) -> String { root.appendingPathComponent("samples/" + relative).path }

    /// `samples/expected/evaluation.json` (transformers' predictions, scikit-learn's metrics).
    static func expected() throws -> JSON {
        try JSON.parse([UInt8](Data(contentsOf: URL(fileURLWithPath: sample("expected/evaluation.json")))))
    }

    /// A new empty directory under the system temp dir; `body` runs in it, then it is removed.
    static func withTemporaryDirectory<R>(_ body: (URL) throws -> R) throws -> R {
        let dir = TestScratch.root.appendingPathComponent("vitkit-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try body(dir)
    }
}

/// Whether `a` and `b` agree within `atol + rtol * |b|`.
func isClose(_ a: Double, _ b: Double, atol: Double = 1e-12, rtol: Double = 0) -> Bool {
    abs(a - b) <= atol + rtol * abs(b)
}
