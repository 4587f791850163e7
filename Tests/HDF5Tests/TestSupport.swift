import Foundation
import TestScratch
import Testing
import Tensors

/// Fixture and temporary-file helpers shared by the HDF5 tests.
enum Fixtures {
    /// The package root, found from this file's path.
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static func path(_ relative: String) -> String { root + "/samples/" + relative }

    static func json(_ relative: String) throws -> JSON {
        let data = try Data(contentsOf: URL(fileURLWithPath: path(relative)))
        return try JSON.parse(Array(data))
    }

    /// `expected/h5.json`'s entry for `file` (e.g. `h5/generic.h5`).
    static func h5Entry(_ file: String) throws -> JSON {
        let doc = try json("expected/h5.json")
        let entry = doc["files"]?.arrayValue?.first { $0["file"]?.stringValue == file }
        return try #require(entry, "no entry for \(file) in expected/h5.json")
    }

    /// `expected/checkpoints.json`'s entry for `path`.
    static func checkpointEntry(_ path: String) throws -> JSON {
        let doc = try json("expected/checkpoints.json")
        let entry = doc["checkpoints"]?.arrayValue?.first { $0["path"]?.stringValue == path }
        return try #require(entry, "no entry for \(path) in expected/checkpoints.json")
    }
}

/// A fresh temporary directory, removed when the value is dropped.
final class TemporaryDirectory {
    let path: String

    init() throws {
        let base = TestScratch.root.appendingPathComponent("vitkit-hdf5-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// Copies a fixture in and returns the copy's path.
    func copy(_ fixture: String, as name: String) throws -> String {
        try FileManager.default.copyItem(atPath: Fixtures.path(fixture), toPath: file(name))
        return file(name)
    }

    func write(_ bytes: [UInt8], to name: String) throws -> String {
        try Data(bytes).write(to: URL(fileURLWithPath: file(name)))
        return file(name)
    }

    func read(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: file(name)))) }

    func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path).sorted() }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// `expected` numbers as Doubles (JSON text kept exact for integers elsewhere).
func doubles(_ json: JSON?) -> [Double] { json?.arrayValue?.compactMap(\.doubleValue) ?? [] }

/// True when every |a - b| <= atol + rtol * |b|.
func allClose(_ a: [Double], _ b: [Double], atol: Double = 0, rtol: Double = 0) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= atol + rtol * abs($1) || ($0.isNaN && $1.isNaN) }
}

/// A tensor's values as Doubles, exactly (integers beyond 2^53 excepted).
func values(_ t: Tensor) -> [Double] {
    let n = t.elementCount
    return t.data.withUnsafeBytes { b in
        (0..<n).map { i -> Double in
            switch t.dtype {
            case .f64: b.loadUnaligned(fromByteOffset: 8 * i, as: Double.self)
            case .f32: Double(b.loadUnaligned(fromByteOffset: 4 * i, as: Float.self))
            case .f16: Double(HalfPrecision.float(fromF16: b.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            case .bf16: Double(HalfPrecision.float(fromBF16: b.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            case .i64: Double(b.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))
            case .u64: Double(b.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))
            case .i32: Double(b.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))
            case .u32: Double(b.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
            case .i16: Double(b.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))
            case .u16: Double(b.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
            case .i8: Double(Int8(bitPattern: b[i]))
            case .u8, .bool: Double(b[i])
            case .f8e4m3, .f8e5m2, .f8e4m3fnuz, .f8e5m2fnuz, .f8e8m0, .f4: .nan
            }
        }
    }
}

/// The integer values of an I64 tensor (exact).
func int64s(_ t: Tensor) -> [Int64] {
    t.data.withUnsafeBytes { b in (0..<t.elementCount).map { b.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self) } }
}

/// numpy's `dtype.str` for a DType as h5py reports it (little-endian; `|b1` for bool).
func numpyDType(_ d: DType) -> String {
    switch d {
    case .f16: "<f2"
    case .f32: "<f4"
    case .f64: "<f8"
    case .i8: "|i1"
    case .u8: "|u1"
    case .bool: "|b1"
    case .i16: "<i2"
    case .u16: "<u2"
    case .i32: "<i4"
    case .u32: "<u4"
    case .i64: "<i8"
    case .u64: "<u8"
    default: "?"
    }
}

/// Runs `body`, expecting a CheckpointError, and returns it.
func expectError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> CheckpointError? {
    do {
        try body()
        Issue.record("expected a CheckpointError", sourceLocation: sourceLocation)
        return nil
    } catch let error as CheckpointError {
        return error
    } catch {
        Issue.record("expected a CheckpointError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
