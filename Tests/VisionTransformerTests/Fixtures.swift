import Foundation
import TestScratch
import Tensors

/// Paths to the committed samples, found from this file's location.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func sample(_ relative: String) -> String { root.appendingPathComponent("samples/" + relative).path }

    /// Reads a float32 C-order `.npy` written by numpy (test-side reader, independent of the NumPy target).
    static func readFloatNPY(_ path: String) throws -> (shape: [Int], values: [Float]) {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let bytes = [UInt8](data)
        let major = bytes[6]
        let headerLength = major == 1 ? Int(bytes[8]) | Int(bytes[9]) << 8 : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16
        let start = major == 1 ? 10 : 12
        let header = String(decoding: bytes[start..<(start + headerLength)], as: UTF8.self)
        precondition(header.contains("'<f4'") && header.contains("'fortran_order': False"), "unexpected npy header \(header)")
        let shapeText = header.split(separator: "(")[1].split(separator: ")")[0]
        let shape = shapeText.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let values = bytes[(start + headerLength)...].withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map { raw.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) }
        }
        return (shape, values)
    }

    /// A new empty directory under the system temp dir; `body` runs in it, then it is removed.
    static func withTemporaryDirectory<R>(_ tag: String, _ body: (URL) throws -> R) throws -> R {
        let dir = TestScratch.root.appendingPathComponent("vitkit-\(tag)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try body(dir)
    }

    /// Parses a JSON file with vitkit's strict parser.
    static func json(_ path: String) throws -> JSON {
        try JSON.parse([UInt8](Data(contentsOf: URL(fileURLWithPath: path))))
    }

    static func floats(_ json: JSON?) -> [Float]? {
        json?.arrayValue?.compactMap { $0.doubleValue.map(Float.init) }
    }
}

import ViTModel
import ViTInference

extension Fixtures {
    /// The forward pass of `checkpoint` on the recorded pixels of every image in
    /// `expected/expectations/<expectations>.json`: per image, the largest |difference| of the
    /// class token and of the logits (nil when the file records none) against the recorded ones.
    static func differencesFromRecorded(_ checkpoint: ViTCheckpoint, expectations: String, allowUnused: Bool = false) throws
        -> [(image: String, cls: Float, logits: Float?, hasLogits: Bool)] {
        let forward = try ViTForward(checkpoint, allowUnused: allowUnused)
        let exp = try json(sample("expected/expectations/\(expectations).json"))
        return try (exp["images"]?.arrayValue ?? []).map { image in
            let name = ((image["path"]?.stringValue ?? "") as NSString).lastPathComponent
            let pixels = try readFloatNPY(sample("expected/pixels/\(name).npy"))
            let out = try forward.run(pixels: pixels.values, batch: 1, size: pixels.shape[1])[0]
            let logits = floats(image["logits"]).map { maxAbsDiff(out.logits ?? [], $0) }
            return (name, maxAbsDiff(out.cls, floats(image["cls"]) ?? []), logits, out.logits != nil)
        }
    }
}

/// Largest absolute difference between two equally long arrays (infinity if lengths differ).
func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
