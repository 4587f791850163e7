import Foundation
import TestScratch
import Tensors
import Testing

/// Paths and small readers shared by the ImageIO tests.
enum Fixtures {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()
    static let images = root + "/samples/images"

    /// `samples/expected/image-checks.json`, written by `samples/image_checks.py` with Pillow
    /// and transformers' ViTImageProcessor. A missing or broken file stops the test run.
    static let imageChecks: JSON = {
        let path = root + "/samples/expected/image-checks.json"
        guard let data = FileManager.default.contents(atPath: path), let json = try? JSON.parse(Array(data)) else {
            fatalError("cannot read \(path): run samples/image_checks.py")
        }
        return json
    }()
    static let pixels = root + "/samples/expected/pixels"

    /// Sample image file names (PNG and JPEG) in `samples/images`.
    static var sampleImages: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: images)) ?? []
        return names.filter { $0.hasSuffix(".png") || $0.hasSuffix(".jpg") }.sorted()
    }

    /// Image names with a 224 x 224 reference in `samples/expected/pixels/224`.
    static var pixels224: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: pixels + "/224")) ?? []
        return names.filter { $0.hasSuffix(".npy") }.map { String($0.dropLast(4)) }.sorted()
    }

    /// A scratch directory unique to one test.
    static func temporaryDirectory() -> String {
        let dir = TestScratch.root.path + "/vitkit-imageio-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func write(_ bytes: [UInt8], to path: String) {
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    }
}

/// A float32 little-endian C-order `.npy` file: shape and values.
struct NPYArray {
    var shape: [Int]
    var values: [Float]

    init(path: String) throws {
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        guard data.count > 10, data[0] == 0x93, Array(data[1..<6]) == Array("NUMPY".utf8) else {
            throw NPYError("\(path): not an npy file")
        }
        let (headerLength, start): (Int, Int) =
            data[6] == 1
            ? (Int(data[8]) | Int(data[9]) << 8, 10)
            : (Int(data[8]) | Int(data[9]) << 8 | Int(data[10]) << 16 | Int(data[11]) << 24, 12)
        let header = String(decoding: data[start..<(start + headerLength)], as: UTF8.self)
        guard header.contains("'descr': '<f4'"), header.contains("'fortran_order': False"),
            let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")")
        else { throw NPYError("\(path): unexpected header \(header)") }
        shape = header[open.upperBound..<close].split(separator: ",").compactMap {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        let body = Array(data[(start + headerLength)...])
        guard body.count == shape.reduce(1, *) * 4 else { throw NPYError("\(path): data size does not match shape") }
        values = body.withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map {
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)))
            }
        }
    }
}

struct NPYError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// The largest |a - b| over two equal-length arrays (infinity when lengths differ).
func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
