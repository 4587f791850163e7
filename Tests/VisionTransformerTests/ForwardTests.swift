import Foundation
import Testing
import Tensors
@testable import ViTModel
@testable import ViTConversion
@testable import ViTInference
@testable import ViTVerification
import Checkpoints
import Preprocessing

/// The forward pass against outputs transformers recorded (samples/expected/expectations),
/// fed with the pixel tensors ViTImageProcessor produced (samples/expected/pixels).
@Suite("forward pass vs transformers")
struct ForwardTests {
    /// timm files carry no config: the test gives the HF one (heads, eps 1e-12), as a user would with --config.
    static let cases: [(model: String, expectations: String)] = [
        ("models/hf-classifier", "hf-classifier"),
        ("models/hf-in21k", "hf-in21k"),
        ("models/hf-sharded", "hf-sharded"),
        ("models/hf-classifier-f16", "hf-classifier-f16"),
        ("models/hf-classifier-bf16", "hf-classifier-bf16"),
        ("models/tf-classifier", "hf-classifier"),
        ("models/tf-in21k", "hf-in21k"),
        ("models/tf-noqkvbias", "tf-noqkvbias"),
        ("models/jax/classifier.npz", "hf-classifier"),
        ("models/jax/in21k.npz", "hf-in21k"),
        ("models/jax/classifier-big-vision.npz", "hf-classifier"),
        ("models/timm/classifier.safetensors", "hf-classifier"),
    ]

    @Test(arguments: cases)
    func outputsMatchTransformers(model: String, expectations: String) throws {
        let config = model.hasPrefix("models/timm") ? Fixtures.sample("models/hf-classifier/config.json") : nil
        let checkpoint = try ViTCheckpoint(path: Fixtures.sample(model), options: .init(checkpoint: .init(configPath: config)))
        let forward = try ViTForward(checkpoint)
        let exp = try Fixtures.json(Fixtures.sample("expected/expectations/\(expectations).json"))
        let images = try #require(exp["images"]?.arrayValue)
        #expect(!images.isEmpty)
        for image in images {
            let path = try #require(image["path"]?.stringValue)
            let name = (path as NSString).lastPathComponent
            let pixels = try Fixtures.readFloatNPY(Fixtures.sample("expected/pixels/\(name).npy"))
            let out = try forward.run(pixels: pixels.values, batch: 1, size: pixels.shape[1])[0]
            let tol: Float = 1e-4
            if let logits = Fixtures.floats(image["logits"]) {
                let got = try #require(out.logits)
                #expect(maxAbsDiff(got, logits) <= tol, "\(model) \(name) logits: \(maxAbsDiff(got, logits))")
            } else {
                #expect(out.logits == nil)
            }
            if let pooler = Fixtures.floats(image["pooler_output"]) {
                let got = try #require(out.poolerOutput)
                #expect(maxAbsDiff(got, pooler) <= tol, "\(model) \(name) pooler: \(maxAbsDiff(got, pooler))")
            }
            let cls = try #require(Fixtures.floats(image["cls"]))
            #expect(maxAbsDiff(out.cls, cls) <= tol, "\(model) \(name) cls: \(maxAbsDiff(out.cls, cls))")
        }
    }
}

/// The last block computed for the class token only gives the full pass's outputs.
@Suite("class-token-only last block")
struct ClassTokenLastBlockTests {
    @Test(arguments: ["models/hf-classifier", "models/hf-in21k", "models/jax/classifier.npz"])
    func equalsTheFullPass(model: String) throws {
        let forward = try ViTForward(ViTCheckpoint(path: Fixtures.sample(model), options: .init(heads: 4)))
        let c = forward.config
        let batch = 3, size = c.imageSize
        var state: UInt32 = 12345
        let pixels = (0..<(batch * c.numChannels * size * size)).map { _ -> Float in
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / Float(1 << 24) * 2 - 1
        }
        let full = try forward.run(pixels: pixels, batch: batch, size: size, clsOnlyLastBlock: false)
        let fast = try forward.run(pixels: pixels, batch: batch, size: size, clsOnlyLastBlock: true)
        #expect(full.count == batch && fast.count == batch)
        for (a, b) in zip(full, fast) {
            for (x, y) in [(a.cls, b.cls), (a.logits ?? [], b.logits ?? []), (a.poolerOutput ?? [], b.poolerOutput ?? [])] {
                #expect(x.count == y.count)
                let worst = zip(x, y).map { abs($0 - $1) }.max() ?? 0
                #expect(worst <= 1e-5, "\(model): max |diff| \(worst)")
            }
            #expect(!a.cls.isEmpty)
        }
    }
}
