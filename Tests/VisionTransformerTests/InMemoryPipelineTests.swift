import Foundation
import Preprocessing
import Testing
import Tensors
@testable import ViTModel
@testable import ViTConversion
@testable import ViTInference
@testable import ViTVerification
import Checkpoints
import Preprocessing

/// The in-memory entry points (decoded images, encoded bytes, pixel tensors) against what
/// transformers recorded for the same images (samples/expected/expectations).
@Suite("pipeline on images in memory")
struct InMemoryPipelineTests {
    @Test func encodedDecodedAndPixelInputsMatchTransformers() throws {
        let pipeline = try ViTPipeline(checkpoint: ViTCheckpoint(path: Fixtures.sample("models/hf-classifier")))
        let exp = try Fixtures.json(Fixtures.sample("expected/expectations/hf-classifier.json"))
        let entries = try #require(exp["images"]?.arrayValue)
        let names = try entries.map { (try #require($0["path"]?.stringValue) as NSString).lastPathComponent }
        #expect(names.count >= 3)
        let files = names.map { Fixtures.sample("images/\($0)") }
        let encoded = try files.map { Array(try Data(contentsOf: URL(fileURLWithPath: $0))) }
        let decoded = try encoded.map { try ImageDecoder.decode(data: $0) }
        let tensors = try names.map { name in
            let npy = try Fixtures.readFloatNPY(Fixtures.sample("expected/pixels/\(name).npy"))
            return Tensor(floats: npy.values, shape: npy.shape)
        }
        let runs = [
            try pipeline.run(encodedImages: encoded, batchSize: 2),
            try pipeline.run(images: decoded, batchSize: 3),
            try pipeline.run(pixelTensors: tensors),
        ]
        for outputs in runs {
            #expect(outputs.count == entries.count)
            for (out, want) in zip(outputs, entries) {
                let logits = try #require(Fixtures.floats(want["logits"]))
                let got = try #require(out.logits)
                #expect(zip(got, logits).allSatisfy { abs($0 - $1) <= 1e-4 }, "\(got) vs \(logits)")
            }
        }
        #expect(throws: ViTError.self) { try pipeline.run(pixelTensors: [Tensor(floats: [0], shape: [1])]) }
        #expect(throws: ImageError.self) { try pipeline.run(encodedImages: [[1, 2, 3]]) }
    }
}

/// `predict --save-pixels` files are what `np.save` wrote for ViTImageProcessor's output.
@Suite("saved pixel tensors")
struct SavedPixelsTests {
    @Test func savedPixelsEqualNumpysFileByteForByte() throws {
        try Fixtures.withTemporaryDirectory("px") { dir in
            let pipeline = try ViTPipeline(checkpoint: ViTCheckpoint(path: Fixtures.sample("models/hf-classifier")))
            let image = Fixtures.sample("images/chelsea.png")
            let paths = try pipeline.savePixels(images: [image], directory: dir.path, inputs: [image], replace: false)
            #expect(paths == [dir.appendingPathComponent("chelsea.png.npy").path])
            let written = try Data(contentsOf: URL(fileURLWithPath: paths[0]))
            #expect(written == (try Data(contentsOf: URL(fileURLWithPath: Fixtures.sample("expected/pixels/chelsea.png.npy")))))
        }
    }
}
