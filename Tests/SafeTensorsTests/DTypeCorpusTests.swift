import Foundation
import Testing
import Tensors
@testable import SafeTensors

/// The newer safetensors dtypes against samples/dtypes/listing.json (samples/generate_dtypes.py):
/// vitkit lists the names, dtypes, shapes and sizes safetensors' `safe_open` lists, and reads
/// F8_E4M3, F8_E5M2, F8_E4M3FNUZ, F8_E5M2FNUZ, F8_E8M0 and F4 to the float32 values ml_dtypes
/// (and PyTorch, for the F8 kinds) give, every byte code included.
@Suite struct DTypeCorpusTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("samples").path

    static let listing: [JSON] = {
        let data = (try? Data(contentsOf: URL(fileURLWithPath: samples + "/dtypes/listing.json"))) ?? Data()
        return (try? JSON.parse(Array(data)))?["files"]?.arrayValue ?? []
    }()

    @Test func theListingCoversEveryFile() {
        #expect(Self.listing.compactMap { $0["file"]?.stringValue }
            == ["dtypes/complex.safetensors", "dtypes/packed.safetensors", "dtypes/minifloats.safetensors", "dtypes/f6.safetensors"])
    }

    @Test(arguments: listing)
    func namesDTypesShapesAndValuesEqualTheReference(_ entry: JSON) throws {
        let file = try #require(entry["file"]?.stringValue)
        let st = try SafeTensorsFile(path: Self.samples + "/" + file)
        let want = try #require(entry["tensors"]?.arrayValue)
        let readable = want.filter { $0["readable"] == .bool(true) }
        #expect(Set(st.tensors.map(\.name)) == Set(readable.compactMap { $0["name"]?.stringValue }), "\(file)")
        #expect(Set(st.skipped.map(\.name)) == Set(want.filter { $0["readable"] == .bool(false) }.compactMap { $0["name"]?.stringValue }), "\(file)")
        for reference in readable {
            let name = try #require(reference["name"]?.stringValue)
            let info = try #require(st.info(named: name), "\(file) \(name)")
            #expect(info.dtype.rawValue == reference["dtype"]?.stringValue, "\(file) \(name)")
            #expect(info.shape == reference["shape"]?.arrayValue?.compactMap(\.intValue), "\(file) \(name)")
            #expect(info.byteCount == reference["bytes"]?.intValue, "\(file) \(name)")
            let got = try st.tensor(named: name).floats()
            let values = try #require(reference["values"]?.arrayValue)
            #expect(got.count == values.count, "\(file) \(name)")
            for (k, (v, r)) in zip(got, values).enumerated() {
                switch r {
                case .string("nan"): #expect(v.isNaN, "\(file) \(name)[\(k)]: \(v), ml_dtypes NaN")
                case .string("inf"): #expect(v == .infinity, "\(file) \(name)[\(k)]")
                case .string("-inf"): #expect(v == -.infinity, "\(file) \(name)[\(k)]")
                default:
                    let x = try #require(r.doubleValue)
                    #expect(Double(v) == x, "\(file) \(name)[\(k)]: \(v), ml_dtypes \(x)")
                }
            }
        }
    }

    @Test func f4ElementsAreReadNibbleByNibbleFromAnyStart() throws {
        // Bytes 0x10, 0x32: codes 0, 1, 2, 3 = 0, 0.5, 1, 1.5 (the even element in the low bits).
        let t = Tensor(dtype: .f4, shape: [4], data: [UInt8(0x10), 0x32].withUnsafeBytes { TensorData.copying($0) })
        #expect(try t.floats() == [0, 0.5, 1, 1.5])
        var tail = [Float](repeating: 0, count: 3)
        try tail.withUnsafeMutableBufferPointer { try t.convert(elements: 1..<4, into: $0) }
        #expect(tail == [0.5, 1, 1.5])
        #expect(Shape.byteCount([3], .f4) == nil && Shape.byteCount([2, 3], .f4) == 3)
    }
}
