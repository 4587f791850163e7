import Foundation
import TestScratch
import Tensors
import Testing

/// Paths to the committed samples, found from this file's location.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func sample(_ relative: String) -> String { root.appendingPathComponent("samples/" + relative).path }

    /// What transformers recorded for a sample model (`samples/expected/expectations/NAME.json`):
    /// image paths (absolute) and, per image, the named outputs.
    static func expectations(_ name: String) throws -> [(path: String, outputs: [String: [Float]])] {
        let file = sample("expected/expectations/\(name).json")
        let json = try JSON.parse([UInt8](Data(contentsOf: URL(fileURLWithPath: file))))
        let dir = URL(fileURLWithPath: file).deletingLastPathComponent()
        return try #require(json["images"]?.arrayValue).map { image in
            let path = dir.appendingPathComponent(image["path"]!.stringValue!).standardized.path
            var outputs: [String: [Float]] = [:]
            for key in ["pooler_output", "cls", "mean_token", "logits"] {
                if let values = image[key]?.arrayValue { outputs[key] = values.map { Float($0.doubleValue!) } }
            }
            return (path, outputs)
        }
    }

    /// A new empty directory under `TestScratch.root`; `body` runs in it, then it is removed.
    static func withTemporaryDirectory<R>(_ body: (String) throws -> R) throws -> R {
        let dir = TestScratch.root.appendingPathComponent("vitkit-embed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try body(dir.path)
    }
}

/// Largest absolute difference between two equally long arrays (infinity if lengths differ).
func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// The L2 norm, in double precision.
func l2Norm(_ v: [Float]) -> Double {
    v.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
}
