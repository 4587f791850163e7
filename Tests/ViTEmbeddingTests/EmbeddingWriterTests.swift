import Foundation
import NumPy
import Tensors
import Testing
@testable import ViTEmbedding

@Suite("EmbeddingWriter")
struct EmbeddingWriterTests {
    static let rows: [[Float]] = [[1, -2.5, 3e-8], [0, 0.1, -0], [Float.leastNonzeroMagnitude, 1e30, 7]]
    static let paths = ["a.png", "dir/with\nnewline.png", "quote\"and\\slash.jpg"]

    @Test func npyReadsBackWithItsSidecar() throws {
        try Fixtures.withTemporaryDirectory { dir in
            let out = dir + "/emb.npy"
            let w = try EmbeddingWriter(destination: out, count: 3, dimension: 3, kind: .mean, normalized: true, inputs: [], replace: false)
            try w.append(paths: Array(Self.paths.prefix(2)), rows: Array(Self.rows.prefix(2)))
            #expect(!FileManager.default.fileExists(atPath: out), "nothing at the destination before commit")
            try w.append(paths: [Self.paths[2]], rows: [Self.rows[2]])
            try w.commit()
            #expect(w.files == [out, out + ".paths.json"])
            let npy = try NPYFile(path: out)
            #expect(npy.tensors[0].dtype == .f32 && npy.tensors[0].shape == [3, 3])
            #expect(try npy.tensor(named: "emb").floats() == Self.rows.flatMap { $0 })
            let sidecar = try JSON.parse([UInt8](Data(contentsOf: URL(fileURLWithPath: out + ".paths.json"))))
            #expect(sidecar["paths"]?.arrayValue?.compactMap(\.stringValue) == Self.paths)
            #expect(sidecar["output"]?.stringValue == "mean" && sidecar["normalized"]?.boolValue == true
                && sidecar["dimension"]?.intValue == 3)
        }
    }

    @Test func jsonLinesParse() throws {
        try Fixtures.withTemporaryDirectory { dir in
            let out = dir + "/emb.jsonl"
            let w = try EmbeddingWriter(destination: out, count: 3, dimension: 3, kind: .cls, normalized: false, inputs: [], replace: false)
            try w.append(paths: Self.paths, rows: Self.rows)
            try w.commit()
            #expect(w.files == [out])
            let text = try String(contentsOfFile: out, encoding: .utf8)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 4 && lines[3].isEmpty, "one line per image, newline-terminated")
            for (i, line) in lines.prefix(3).enumerated() {
                let json = try JSON.parse(Array(line.utf8))
                #expect(json.objectValue?.map(\.0) == ["path", "embedding"])
                #expect(json["path"]?.stringValue == Self.paths[i])
                #expect(json["embedding"]?.arrayValue?.map { Float($0.doubleValue!) } == Self.rows[i])
            }
        }
    }

    /// Bytes that are not UTF-8 are written as Python's surrogateescape does.
    @Test func nonUTF8NamesAreSurrogateEscaped() {
        let path = SystemPath.decode([0x61, 0xFF, 0x0A, 0x62] as [UInt8])
        #expect(EmbeddingWriter.jsonString(path) == "\"a\\udcff\\nb\"")
        #expect(EmbeddingWriter.jsonString("plain é") == "\"plain é\"")
    }

    @Test func wrongRowsAndCountsAreRefusedAndLeaveNothing() throws {
        try Fixtures.withTemporaryDirectory { dir in
            let out = dir + "/emb.npy"
            let w = try EmbeddingWriter(destination: out, count: 2, dimension: 3, kind: .cls, normalized: false, inputs: [], replace: false)
            #expect(throws: EmbeddingError.rowMismatch(file: out, reason: "expected rows of 3 values, found 2")) {
                try w.append(paths: ["a"], rows: [[1, 2]])
            }
            #expect(throws: EmbeddingError.rowMismatch(file: out, reason: "expected 2 rows, found 3")) {
                try w.append(paths: ["a", "b", "c"], rows: Self.rows)
            }
            try w.append(paths: ["a"], rows: [[1, 2, 3]])
            #expect(throws: EmbeddingError.rowMismatch(file: out, reason: "expected 2 rows, found 1")) { try w.commit() }
        }
        // The writer is gone: its temporaries with it.
        try Fixtures.withTemporaryDirectory { dir in
            do {
                let w = try EmbeddingWriter(destination: dir + "/e.npy", count: 1, dimension: 1, kind: .cls, normalized: false, inputs: [], replace: false)
                try w.append(paths: ["a"], rows: [[1]])
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
        }
    }

    @Test func destinationsAreGuarded() throws {
        try Fixtures.withTemporaryDirectory { dir in
            #expect(throws: EmbeddingError.unsupportedOutput(path: dir + "/e.json")) {
                try EmbeddingWriter(destination: dir + "/e.json", count: 1, dimension: 1, kind: .cls, normalized: false, inputs: [], replace: false)
            }
            let input = dir + "/image.png"
            #expect(FileManager.default.createFile(atPath: input, contents: Data([1])))
            // A sidecar that would land on an input is refused too, whatever `replace` says.
            let npy = dir + "/x.npy", sidecarInput = npy + ".paths.json"
            #expect(FileManager.default.createFile(atPath: sidecarInput, contents: Data([1])))
            for (dest, inputs) in [(input + ".jsonl", [input + ".jsonl"]), (npy, [sidecarInput])] {
                #expect(FileManager.default.createFile(atPath: dest, contents: Data([1])) || FileManager.default.fileExists(atPath: dest))
                #expect(throws: CheckpointError.self) {
                    try EmbeddingWriter(destination: dest, count: 1, dimension: 1, kind: .cls, normalized: false, inputs: inputs, replace: true)
                }
            }
            #expect(throws: CheckpointError.destinationExists(file: npy)) {
                try EmbeddingWriter(destination: npy, count: 1, dimension: 1, kind: .cls, normalized: false, inputs: [], replace: false)
            }
        }
    }

    @Test func zeroRowsStayZeroUnderNormalization() {
        var zero: [Float] = [0, 0, 0]
        #expect(!Embedder.l2Normalize(&zero) && zero == [0, 0, 0])
        var row: [Float] = [3, 4]
        #expect(Embedder.l2Normalize(&row) && row == [0.6, 0.8])
    }
}
