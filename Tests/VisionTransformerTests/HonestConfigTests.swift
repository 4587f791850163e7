import Foundation
import Testing
import Tensors
@testable import ViTModel
@testable import ViTConversion
@testable import ViTInference
@testable import ViTVerification
import Checkpoints
import Preprocessing

/// What the library says about configs it could not fully read and outputs that are not numbers.
@Suite("honest configs and outputs")
struct HonestConfigTests {
    static let allKeys = ["hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size", "image_size",
                          "patch_size", "num_channels", "qkv_bias", "layer_norm_eps", "hidden_act"]

    @Test(arguments: [JSON.array([]), .number("3"), .string("x"), .null])
    func aConfigThatIsNotAnObjectIsInvalid(json: JSON) {
        #expect(throws: ViTError.self) { try ViTConfig(huggingFace: json) }
    }

    @Test func aCompleteConfigLeavesNothingInferred() throws {
        #expect(try ViTCheckpoint(path: Fixtures.sample("models/hf-classifier")).inferredConfigKeys.isEmpty)
        #expect(try ViTCheckpoint(path: Fixtures.sample("models/hf-in21k")).inferredConfigKeys.isEmpty)
    }

    @Test func withoutAConfigEveryKeyIsInferredAndAGivenHeadCountIsNot() throws {
        let path = Fixtures.sample("models/jax/classifier.npz")
        #expect(try ViTCheckpoint(path: path).inferredConfigKeys == Self.allKeys + ["id2label"])
        #expect(try ViTCheckpoint(path: path, options: .init(heads: 4)).inferredConfigKeys
            == Self.allKeys.filter { $0 != "num_attention_heads" } + ["id2label"])
        // No classifier, no labels to invent.
        #expect(try ViTCheckpoint(path: Fixtures.sample("models/jax/in21k.npz")).inferredConfigKeys == Self.allKeys)
    }

    @Test func aPartialConfigListsOnlyWhatItLacks() throws {
        try Fixtures.withTemporaryDirectory("partial-config") { dir in
            try FileManager.default.copyItem(atPath: Fixtures.sample("models/hf-classifier/model.safetensors"),
                                             toPath: dir.appendingPathComponent("model.safetensors").path)
            try Data(#"{"hidden_size": 48, "num_attention_heads": 4, "layer_norm_eps": null}"#.utf8)
                .write(to: dir.appendingPathComponent("config.json"))
            let ckpt = try ViTCheckpoint(path: dir.path)
            #expect(ckpt.inferredConfigKeys == Self.allKeys.filter { $0 != "hidden_size" && $0 != "num_attention_heads" } + ["id2label"])
            #expect(ckpt.config.labels == (0..<5).map { "LABEL_\($0)" })
            #expect(ckpt.configOrigin == dir.appendingPathComponent("config.json").path)
        }
    }

    @Test func configErrorsNameTheConfigFile() throws {
        try Fixtures.withTemporaryDirectory("bad-config") { dir in
            try FileManager.default.copyItem(atPath: Fixtures.sample("models/hf-classifier/model.safetensors"),
                                             toPath: dir.appendingPathComponent("model.safetensors").path)
            let config = dir.appendingPathComponent("config.json")
            try Data(#"{"layer_norm_eps": 1e999}"#.utf8).write(to: config)
            let error = #expect(throws: ViTError.self) { try ViTCheckpoint(path: dir.path) }
            #expect(error?.description == "invalid ViT config: \(config.path): layer_norm_eps must be a finite number >= 0, found inf")
        }
    }

    @Test func nonFiniteOutputsNeverPass() {
        let want = Expectations.Image(path: "x.png", logits: [1, 2, 3], poolerOutput: nil, cls: [0.5])
        let nan = ViTOutputs(cls: [0.5], poolerOutput: nil, logits: [1, .nan, 3])
        let inf = ViTOutputs(cls: [-.infinity], poolerOutput: nil, logits: [1, 2, 3])
        #expect(nan.nonFiniteOutputs == ["logits"])
        #expect(inf.nonFiniteOutputs == ["cls"])
        for got in [nan, inf] {
            let r = Verification.check(image: "x.png", got: got, want: want, atol: 1e30, rtol: 1e30)
            #expect(!r.passed)
            #expect(r.nonFinite == got.nonFiniteOutputs)
        }
        let fine = ViTOutputs(cls: [0.5], poolerOutput: nil, logits: [1, 2, 3.5])
        #expect(fine.nonFiniteOutputs.isEmpty)
        #expect(Verification.check(image: "x.png", got: fine, want: want, atol: 1, rtol: 0).passed)
    }

    @Test(arguments: ["-1", "\"tight\"", "1e999"])
    func expectationTolerancesMustBeFiniteAndNonNegative(atol: String) throws {
        try Fixtures.withTemporaryDirectory("tolerances") { dir in
            let path = dir.appendingPathComponent("e.json").path
            let text = #"{"format": "vitkit-expectations", "version": 1, "tolerances": {"atol": \#(atol)}, "images": [{"path": "a.png", "cls": [1]}]}"#
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: ViTError.self) { try Expectations(path: path) }
            #expect(error?.description.hasPrefix("\(path): tolerances.atol must be a finite number >= 0") == true, "\(String(describing: error))")
        }
    }
}
