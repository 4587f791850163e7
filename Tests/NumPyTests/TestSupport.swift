import Foundation
import TestScratch
import Testing
import Tensors

@testable import NumPy

/// A fresh directory under the system temp dir, removed by `cleanup()`.
struct TempDir {
    let path: String

    init() throws {
        path = TestScratch.root.path + "/vitkit-numpy-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// Writes `bytes` to `name` and returns the path.
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let p = file(name)
        // Plain stdio: Foundation's Data.write costs milliseconds per call here.
        guard let f = fopen(p, "wb") else { throw CocoaError(.fileWriteUnknown) }
        defer { fclose(f) }
        guard bytes.withUnsafeBytes({ fwrite($0.baseAddress, 1, $0.count, f) }) == bytes.count else {
            throw CocoaError(.fileWriteUnknown)
        }
        return p
    }

    func read(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: file(name)))) }

    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

/// Builds NPY bytes by hand: any version, any header text, any data.
enum NPYBytes {
    /// `\x93NUMPY`, the version, the length field and `text` padded numpy-style to 64 bytes.
    static func make(
        _ text: String, data: [UInt8] = [], major: UInt8 = 1, pad: Bool = true
    ) -> [UInt8] {
        var body = Array(text.utf8)
        let prefix = major == 1 ? 10 : 12
        if pad {
            let unpadded = prefix + body.count + 1
            body += [UInt8](repeating: 0x20, count: 64 - unpadded % 64)
            body.append(0x0A)
        }
        var out: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, major, 0]
        if major == 1 { out.appendLE(UInt16(body.count)) } else { out.appendLE(UInt32(body.count)) }
        return out + body + data
    }

    /// A plain header dict.
    static func dict(_ descr: String, _ shape: String, fortran: Bool = false) -> String {
        "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shape), }"
    }

    /// The little-endian bytes of `values`.
    static func bytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        values.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    }

    static func bytes(_ values: [Float]) -> [UInt8] { bytes(values.map(\.bitPattern)) }
    static func bytes(_ values: [Double]) -> [UInt8] { bytes(values.map(\.bitPattern)) }
}

/// The tensor's bytes as an array.
func bytesOf(_ tensor: Tensor) -> [UInt8] { tensor.data.withUnsafeBytes { Array($0) } }

/// `true` when the CheckpointError's sentence contains every fragment (case-sensitive).
func expectError(
    _ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record("expected an error mentioning \(fragments)", sourceLocation: sourceLocation)
    } catch let error as CheckpointError {
        let text = error.description
        for f in fragments where !text.contains(f) {
            Issue.record("error '\(text)' does not mention '\(f)'", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("unexpected error type: \(error)", sourceLocation: sourceLocation)
    }
}

/// Raw deflate of `bytes` through the library's own encoder.
func deflateRaw(_ bytes: [UInt8], level: Int32 = -1) throws -> [UInt8] {
    let d = try Deflater(level: level, file: "<test>")
    var out: [UInt8] = []
    try bytes.withUnsafeBytes { b in
        try d.compress(b) { out.append(contentsOf: $0) }
    }
    try d.finish { out.append(contentsOf: $0) }
    return out
}

func crc32(_ bytes: [UInt8]) -> UInt32 { CRC32.update(0, bytes) }

/// Elementwise comparison with absolute and relative tolerance.
func allClose(_ a: [Float], _ b: [Float], atol: Float = 0, rtol: Float = 0) -> Bool {
    guard a.count == b.count else { return false }
    for (x, y) in zip(a, b) {
        if x.isNaN || y.isNaN { if x.isNaN != y.isNaN { return false } else { continue } }
        if x == y { continue }
        if abs(x - y) > atol + rtol * abs(y) { return false }
    }
    return true
}
