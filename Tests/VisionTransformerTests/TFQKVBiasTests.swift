import Foundation
import Testing
import Tensors
import SafeTensors
@testable import ViTModel
@testable import ViTConversion
import Checkpoints

/// A transformers-TF file of a `qkv_bias: false` model stores q/k/v biases (TFViTSelfAttention
/// builds them whatever the config says): vitkit maps and uses them, and conversion keeps
/// nonzero ones with `qkv_bias: true` (samples/models/tf-noqkvbias).
@Suite("TF files without qkv bias in their config")
struct TFQKVBiasTests {
    static let model = Fixtures.sample("models/tf-noqkvbias")

    @Test func theStoredQKVBiasesMapOntoTheGraph() throws {
        let config = try Fixtures.json(Fixtures.sample("models/tf-noqkvbias/config.json"))
        #expect(config["qkv_bias"]?.boolValue == false)
        let ckpt = try ViTCheckpoint(path: Self.model)
        #expect(ckpt.qkvBiasFromTFWeights && ckpt.config.qkvBias)
        #expect(ckpt.report.unused.isEmpty, "\(ckpt.report.unused)")
        try ckpt.requireComplete()
        for i in 0..<ckpt.config.numHiddenLayers {
            for (part, layer) in [("q", "query"), ("k", "key"), ("v", "value")] {
                let name = CanonicalName.block(i, "\(part).bias")
                let mapped = ckpt.report.mapped.filter { $0.canonical == [name] }
                #expect(mapped.count == 1, "\(name)")
                #expect(mapped.first?.stored.hasSuffix("layer_._\(i)/attention/attention/\(layer)/bias:0") == true, "\(mapped.first?.stored ?? "none")")
                let values = try ckpt.floats(name)
                #expect(values.count == ckpt.config.hiddenSize && values.contains { $0 != 0 }, "\(name)")
            }
        }
    }

    /// The other TF samples' configs say qkv_bias true: nothing to adopt there.
    @Test func filesWhoseConfigSaysQKVBiasAreUnchanged() throws {
        let ckpt = try ViTCheckpoint(path: Fixtures.sample("models/tf-classifier"))
        #expect(!ckpt.qkvBiasFromTFWeights && ckpt.config.qkvBias)
    }

    @Test func convertingToHFKeepsNonzeroBiasesAndSaysQKVBiasTrue() throws {
        try Fixtures.withTemporaryDirectory("qkv") { dir in
            let source = try ViTCheckpoint(path: Self.model)
            let out = dir.appendingPathComponent("hf").path
            let result = try Conversion.convert(source, to: .hf, destination: out)
            #expect(result.qkvBias == .keptNonzero)
            #expect(try Fixtures.json(out + "/config.json")["qkv_bias"]?.boolValue == true)
            let converted = try ViTCheckpoint(path: out)
            #expect(converted.config.qkvBias && !converted.qkvBiasFromTFWeights)
            let stored = try SafeTensorsFile(path: out + "/model.safetensors")
            for i in 0..<2 {
                let name = CanonicalName.block(i, "k.bias")
                #expect(try converted.floats(name) == source.floats(name))
                #expect(stored.tensors.contains { $0.name == "vit.encoder.layer.\(i).attention.attention.key.bias" })
            }
        }
    }
}
