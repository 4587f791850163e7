import Foundation
import TestScratch
import Testing
import Tensors
@testable import SafeTensors

@Suite("safetensors writer")
struct SafeTensorsWriterTests {
    func tempPath(_ name: String) throws -> String {
        let dir = TestScratch.root.appendingPathComponent("vitkit-stw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    @Test func roundTripKeepsValuesOrderAndPadding() throws {
        let path = try tempPath("w.safetensors")
        let a = Tensor(floats: [1, 2, 3, 4, 5, 6], shape: [2, 3])
        let b = try Tensor(floats: [0.5, -1, 65504], shape: [3]).converted(to: .f16)
        let c = try Tensor(floats: [1.5, 3], shape: [2]).converted(to: .bf16)
        try SafeTensorsWriter.write(to: path, tensors: [("z.b", b), ("a", a), ("c", c)], metadata: [("format", "pt")])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let n = bytes.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        #expect(n % 8 == 0)
        let f = try SafeTensorsFile(path: path)
        #expect(f.tensors.map(\.name) == ["a", "c", "z.b"])  // 4-byte dtypes first, then by name
        #expect(try f.tensor(named: "a").floats() == [1, 2, 3, 4, 5, 6])
        #expect(try f.tensor(named: "z.b").floats() == [0.5, -1, 65504])
        #expect(try f.tensor(named: "c").floats() == [1.5, 3])
        #expect(f.metadata.first?.value == "pt")
    }

    @Test func aMismatchedTensorLeavesTheDestinationUntouched() throws {
        let path = try tempPath("keep.safetensors")
        try Data("original".utf8).write(to: URL(fileURLWithPath: path))
        let entries = [TensorInfo(name: "a", dtype: .f32, shape: [2])]
        #expect(throws: CheckpointError.self) {
            try SafeTensorsWriter.write(to: path, entries: entries) { _ in Tensor(floats: [1, 2, 3], shape: [3]) }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "original")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
        #expect(leftovers == ["keep.safetensors"])
    }

    @Test func duplicateNamesAreRefused() throws {
        let path = try tempPath("dup.safetensors")
        let t = Tensor(floats: [1], shape: [1])
        #expect(throws: CheckpointError.self) { try SafeTensorsWriter.write(to: path, tensors: [("a", t), ("a", t)]) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
