import Foundation
import Testing
import Tensors

@testable import NumPy

/// Every file numpy wrote under `samples/numpy`, compared value by value with
/// `samples/expected/numpy.json` (written by numpy itself when the fixtures were made).
@Suite struct FixtureTests {
    static let samples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("samples").path

    static let expected: [JSON] = {
        guard let bytes = try? FileSystem.readFile(samples + "/expected/numpy.json"),
            let json = try? JSON.parse(bytes), let files = json["files"]?.arrayValue
        else { return [] }
        return files
    }()

    static var fileNames: [String] { expected.compactMap { $0["file"]?.stringValue } }

    @Test func fixturesArePresent() {
        #expect(Self.expected.count >= 30)
        #expect(Self.fileNames.contains("numpy/bf16.npy") && Self.fileNames.contains("numpy/big-compressed.npz"))
    }

    @Test(arguments: fileNames)
    func fixture(_ file: String) throws {
        let spec = try #require(Self.expected.first { $0["file"]?.stringValue == file })
        let arrays = try #require(spec["arrays"]?.arrayValue)
        let path = Self.samples + "/" + file
        let bf16 = arrays.contains { $0["interpretation"]?.stringValue?.contains("bfloat16") == true }
        if let refused = arrays.first(where: { $0["refuse"]?.boolValue == true }) {
            let reason = refused["reason"]?.stringValue ?? ""
            expectError([path, reason.contains("structured") ? "structured" : "pickles"]) {
                _ = try Self.open(path, bf16FromV2: true)
            }
            return
        }
        if bf16 { expectError([path, "<V2", "bf16"]) { _ = try Self.open(path, bf16FromV2: false) } }
        let source = try Self.open(path, bf16FromV2: bf16)
        #expect(source.tensors.map(\.name) == arrays.compactMap { $0["name"]?.stringValue })
        for array in arrays {
            let name = try #require(array["name"]?.stringValue)
            let header = try Self.header(source, name)
            let shape = try #require(array["shape"]?.arrayValue).compactMap(\.intValue)
            #expect(header.shape == shape && source.info(named: name)?.shape == shape)
            #expect(header.fortranOrder == array["fortran_order"]?.boolValue)
            #expect(Int(header.version) == array["header_version"]?.arrayValue?.first?.intValue)
            #expect(header.dataOffset == array["data_offset"]?.intValue)
            let descr = array["descr"]?.stringValue
            #expect(header.descr == descr || (header.dtype == .bf16 && descr == "|V2"))
            let tensor = try source.tensor(named: name)
            #expect(tensor.shape == shape && tensor.dtype == header.dtype)
            #expect(tensor.data.isMapped == (header.isNative && array["compression"]?.stringValue != "deflated"))
            if let npz = source as? NPZFile, let member = npz.members.first(where: { $0.name == name }) {
                #expect(member.entry.name == array["member"]?.stringValue)
                #expect(member.entry.isDeflated == (array["compression"]?.stringValue == "deflated"))
                #expect(member.entry.compressedSize == array["compressed_size"]?.intValue)
                #expect(member.entry.uncompressedSize == array["file_size"]?.intValue)
            }
            try Self.compareValues(tensor, array, name: "\(file):\(name)")
        }
    }

    static func open(_ path: String, bf16FromV2: Bool) throws -> any TensorSource {
        path.hasSuffix(".npz")
            ? try NPZFile(path: path, bf16FromV2: bf16FromV2) : try NPYFile(path: path, bf16FromV2: bf16FromV2)
    }

    static func header(_ source: any TensorSource, _ name: String) throws -> NPYHeader {
        if let npy = source as? NPYFile { return npy.header }
        let npz = try #require(source as? NPZFile)
        return try #require(npz.members.first { $0.name == name }).header
    }

    /// Exact comparison: every value as a double (floats widen exactly), integers as Int64.
    static func compareValues(_ tensor: Tensor, _ array: JSON, name: String) throws {
        let got = try values(tensor)
        if let bits = array["bits"]?.arrayValue {
            let raw = tensor.data.withUnsafeBytes { b in
                (0..<(b.count / 2)).map { Int(b.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self)) }
            }
            #expect(raw == bits.compactMap(\.intValue), "\(name): bits")
        }
        if let expected = array["values"]?.arrayValue, !tensor.dtype.isFloatingPoint {
            #expect(integers(tensor) == expected.map { $0.intValue.map(Int64.init) }, "\(name): values")
            return
        }
        if let expected = array["values"]?.arrayValue {
            #expect(got.count == expected.count, "\(name): count")
            for (i, (g, e)) in zip(got, expected).enumerated() {
                guard let v = e.doubleValue, g.bitPattern == v.bitPattern else {
                    Issue.record("\(name)[\(i)]: \(g) != \(e)")
                    return
                }
            }
            return
        }
        let summary = try #require(array["summary"], "\(name): neither values nor summary")
        let first = try #require(summary["first"]?.arrayValue).compactMap(\.doubleValue)
        #expect(Array(got.prefix(first.count)) == first, "\(name): first values")
        #expect(
            got.min() == summary["min"]?.doubleValue && got.max() == summary["max"]?.doubleValue, "\(name): min/max")
        let sum = try #require(summary["sum"]?.doubleValue)
        #expect(abs(got.reduce(0, +) - sum) <= 1e-9 * max(1, abs(sum)), "\(name): sum")
    }

    static func integers(_ t: Tensor) -> [Int64?] {
        t.data.withUnsafeBytes { b in
            (0..<t.elementCount).map { i -> Int64? in
                switch t.dtype {
                case .i64: b.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)
                case .i32: Int64(b.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))
                case .i16: Int64(b.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))
                case .i8: Int64(Int8(bitPattern: b[i]))
                case .u8, .bool: Int64(b[i])
                default: nil
                }
            }
        }
    }

    static func values(_ t: Tensor) throws -> [Double] {
        let n = t.elementCount
        return t.data.withUnsafeBytes { b -> [Double] in
            (0..<n).map { i -> Double in
                switch t.dtype {
                case .f64: b.loadUnaligned(fromByteOffset: 8 * i, as: Double.self)
                case .f32: Double(b.loadUnaligned(fromByteOffset: 4 * i, as: Float.self))
                case .f16: Double(HalfPrecision.float(fromF16: b.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                case .bf16:
                    Double(HalfPrecision.float(fromBF16: b.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                default: .nan  // integers are compared exactly by `integers`
                }
            }
        }
    }
}
