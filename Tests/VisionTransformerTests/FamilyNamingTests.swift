import Testing
import Tensors
@testable import ViTModel

/// The transformers and timm names of the DeiT / DINOv2 options, read and written.
@Suite("DeiT and DINOv2 names")
struct FamilyNamingTests {
    static var dinov2: ViTConfig {
        var c = ViTConfig(layerNormEps: 1e-6, hasPooler: false)
        c.layerScale = true
        c.maskToken = true
        return c
    }

    @Test(arguments: [
        ("dinov2_with_registers.embeddings.register_tokens", "embeddings.register_tokens"),
        ("dinov2.encoder.layer.3.layer_scale1.lambda1", "encoder.layer.3.layer_scale1.lambda1"),
        ("deit.embeddings.distillation_token", "embeddings.distillation_token"),
        ("vit.embeddings.cls_token", "embeddings.cls_token"),
        ("dinov2_with.embeddings.cls_token", "dinov2_with.embeddings.cls_token"),
    ])
    func modelPrefixesAreRemoved(stored: String, rulesSee: String) {
        #expect(NamingScheme.hf.normalize(stored) == rulesSee)
    }

    /// The name a graph's parameter is written under (and named by when missing) follows its family.
    @Test func writtenNamesFollowTheFamily() {
        var swiglu = Self.dinov2
        swiglu.mlp = .swiGLU
        var deit = ViTConfig(hasPooler: false, labels: ["a", "b"])
        deit.distillationToken = true
        deit.distillationHead = true
        var dinoClassifier = Self.dinov2
        dinoClassifier.labels = ["a"]
        dinoClassifier.classifierInput = .clsAndPatchMean
        let cases: [(ViTConfig, NamingScheme, String, String)] = [
            (ViTConfig(), .hf, "layers.0.ln1.weight", "encoder.layer.0.layernorm_before.weight"),
            (Self.dinov2, .hf, "layers.0.ln1.weight", "encoder.layer.0.norm1.weight"),
            (Self.dinov2, .hf, "layers.1.fc1.weight", "encoder.layer.1.mlp.fc1.weight"),
            (Self.dinov2, .hf, "layers.1.ls2", "encoder.layer.1.layer_scale2.lambda1"),
            (swiglu, .hf, "layers.1.fc1.weight", "encoder.layer.1.mlp.weights_in.weight"),
            (swiglu, .hf, "layers.1.fc2.bias", "encoder.layer.1.mlp.weights_out.bias"),
            (deit, .hf, CanonicalName.classifierWeight, "cls_classifier.weight"),
            (deit, .hf, CanonicalName.distillationClassifierBias, "distillation_classifier.bias"),
            (deit, .hf, CanonicalName.distillationToken, "deit.embeddings.distillation_token"),
            (dinoClassifier, .hf, CanonicalName.maskToken, "dinov2.embeddings.mask_token"),
            (dinoClassifier, .hf, CanonicalName.classifierWeight, "classifier.weight"),
            (deit, .timm, CanonicalName.distillationClassifierWeight, "head_dist.weight"),
            (Self.dinov2, .timm, "layers.0.ls1", "blocks.0.ls1.gamma"),
        ]
        for (config, scheme, canonical, written) in cases {
            #expect(scheme.externalName(forCanonical: canonical, config: config) == written, "\(canonical) for \(config.family)")
        }
    }

    /// Shapes alone say which options a checkpoint has (timm files carry no config).
    @Test func graphsAreInferredFromShapes() {
        let d = 48
        var shapes: [String: [Int]] = [
            CanonicalName.cls: [1, 1, d], CanonicalName.patchWeight: [d, 3, 14, 14], CanonicalName.registers: [1, 4, d],
            CanonicalName.positions: [1, 256, d], "layers.0.ls1": [d], "layers.0.fc1.weight": [256, d], "layers.0.fc2.weight": [d, 128],
        ]
        var c = ConfigInference.infer(shapes: shapes, layers: 1, heads: 4, eps: 1e-6)
        #expect(c.registerTokens == 4 && !c.classPosition && c.imageSize == 224 && c.layerScale && c.mlp == .swiGLU && c.intermediateSize == 128)
        #expect(c.positionInterpolation == .bicubicAntialias)
        shapes[CanonicalName.registers] = nil
        shapes[CanonicalName.distillationToken] = [1, 1, d]
        shapes[CanonicalName.positions] = [1, 258, d]
        shapes[CanonicalName.classifierWeight] = [10, d]
        shapes[CanonicalName.distillationClassifierWeight] = [10, d]
        c = ConfigInference.infer(shapes: shapes, layers: 1, heads: 4, eps: 1e-6)
        #expect(c.distillationToken && c.distillationHead && c.classPosition && c.imageSize == 224 && c.classifierInput == .cls)
        shapes[CanonicalName.classifierWeight] = [10, 2 * d]
        #expect(ConfigInference.infer(shapes: shapes, layers: 1, heads: 4, eps: 1e-6).classifierInput == .clsAndPatchMean)
    }

    /// Bad option values in a config are one-line errors naming the key.
    @Test(arguments: [
        (#"{"model_type": "dinov2", "mlp_ratio": "four"}"#, "mlp_ratio must be a positive number"),
        (#"{"model_type": "dinov2_with_registers", "num_register_tokens": 1.5}"#, "num_register_tokens must be an integer"),
        (#"{"model_type": "dinov2", "use_swiglu_ffn": 1}"#, "use_swiglu_ffn must be true or false"),
        (#"{"model_type": "dinov2", "mlp_ratio": -1}"#, "mlp_ratio must be a positive number"),
    ])
    func badOptionValuesAreNamed(json: String, message: String) throws {
        #expect { try ViTConfig(huggingFace: JSON.parse(json)) } throws: { "\($0)".contains(message) }
    }

    @Test func vitkitOptionsAreChecked() throws {
        #expect { try ViTConfig(vitkit: JSON.parse(#"{"mlp": "geglu"}"#)) } throws: { "\($0)".contains("mlp must be one of mlp, swiglu") }
        var c = ViTConfig()
        c.registerTokens = 5000
        #expect { try c.validate() } throws: { "\($0)".contains("num_register_tokens") }
    }
}
