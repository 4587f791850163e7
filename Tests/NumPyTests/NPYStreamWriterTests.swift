import Foundation
import Testing
import Tensors

@testable import NumPy

@Suite struct NPYStreamWriterTests {
    static let f = Tensor(floats: (0..<6).map { Float($0) }, shape: [2, 3])

    /// Rows appended one at a time give the same bytes as `NPYWriter` (np.save's layout).
    @Test func rowsStreamedEqualTheWholeArrayWritten() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        try NPYWriter.write(Self.f, to: dir.file("whole.npy"))
        let w = try NPYStreamWriter(destination: dir.file("rows.npy"), dtype: .f32, shape: [2, 3])
        try w.append([0, 1, 2])
        #expect(!FileManager.default.fileExists(atPath: dir.file("rows.npy")))
        try w.append([3, 4, 5])
        try w.commit()
        #expect(try dir.read("rows.npy") == dir.read("whole.npy"))
    }

    @Test func writingPastOrShortOfTheShapeIsRefusedAndLeavesNothing() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let path = dir.file("e.npy")
        do {
            let w = try NPYStreamWriter(destination: path, dtype: .f32, shape: [1, 2])
            #expect(throws: CheckpointError.sizeMismatch(file: path, tensor: "e", expected: 8, found: 12)) { try w.append([1, 2, 3]) }
            try w.append([1])
            #expect(throws: CheckpointError.sizeMismatch(file: path, tensor: "e", expected: 8, found: 4)) { try w.commit() }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}
