import Foundation
import Testing
import Tensors
import Checkpoints
import HDF5
@testable import ViTModel
@testable import ViTConversion
@testable import ViTInference

/// keras-hub presets (samples/models/keras-hub: written by keras-hub 0.32's save_to_preset,
/// outputs recorded by keras-hub's own forward pass on the recorded pixels).
@Suite("keras-hub presets")
struct KerasTests {
    static let presets = [("models/keras-hub/classifier", "keras-hub-classifier"), ("models/keras-hub/backbone", "keras-hub-backbone"),
                          ("models/keras-hub/classifier.weights.h5", "keras-hub-classifier")]

    @Test(arguments: presets)
    func outputsMatchKerasHub(model: String, expectations: String) throws {
        let c = try ViTCheckpoint(path: Fixtures.sample(model))
        #expect(c.scheme.id == .keras && c.config.layerNormEps == 1e-6 && c.config.hiddenAct == .gelu)
        // A whole model's save_weights also holds the optimizer's two scalars: unused, as named.
        let plain = model.hasSuffix(".weights.h5")
        #expect(c.report.unused == (plain ? ["optimizer/vars/0", "optimizer/vars/1"] : []))
        let diffs = try Fixtures.differencesFromRecorded(c, expectations: expectations, allowUnused: plain)
        #expect(diffs.count == 7)
        for d in diffs {
            #expect(d.cls <= 1e-5, "\(model) \(d.image) cls \(d.cls)")
            #expect(d.logits.map { $0 <= 1e-5 } ?? !d.hasLogits, "\(model) \(d.image) logits \(d.logits ?? -1)")
        }
    }

    @Test func presetDirectoryReadsBothWeightFiles() throws {
        let dir = Fixtures.sample("models/keras-hub/classifier")
        let c = try ViTCheckpoint(path: dir)
        try c.requireComplete()
        #expect(c.checkpoint.weightsPath == dir + "/model.weights.h5" && c.checkpoint.otherWeights.isEmpty)
        #expect(c.checkpoint.source.files == [dir + "/model.weights.h5", dir + "/task.weights.h5"])
        #expect(c.checkpoint.source.skipped.map(\.name) == ["optimizer/vars/0", "optimizer/vars/1"])
        #expect(try c.storedName(of: CanonicalName.classifierWeight) == "layers/dense/vars/0")
        #expect(try c.storedName(of: "layers.0.q.weight") == "layers/vi_t_encoder/encoder_layers/vi_t_encoder_block/mha/query_dense/vars/0")
        #expect(try c.storedName(of: "layers.1.q.weight") == "layers/vi_t_encoder/encoder_layers/vi_t_encoder_block_1/mha/query_dense/vars/0")
        // keras-hub's position embedding is [N+1, D]: the graph's [1, N+1, D] is the same bytes.
        let pos = try c.parameter(CanonicalName.positions)
        let stored = try c.checkpoint.source.tensor(named: "layers/vi_t_patching_and_embedding/position_embedding/vars/0")
        #expect(stored.shape == [17, 48] && pos.shape == [1, 17, 48] && !Layout.squeezedLeadingOne.copiesElements)
        #expect(try pos.floats() == stored.floats())
    }

    /// Stored tensors of an HDF5 file, by name, as dtype, shape and bytes.
    static func datasets(_ path: String) throws -> [String: String] {
        let f = try HDF5File(path: path)
        return try Dictionary(uniqueKeysWithValues: f.tensors.map { info in
            let t = try f.tensor(named: info.name)
            return (info.name, "\(t.dtype) \(t.shape) \(t.data.withUnsafeBytes { Array($0) })")
        })
    }

    /// vitkit's preset from the transformers classifier holds the datasets keras-hub wrote when
    /// it converted the same model (names, shapes, bytes).
    @Test func writtenPresetHoldsKerasHubsDatasets() throws {
        try Fixtures.withTemporaryDirectory("keras") { dir in
            let out = dir.appendingPathComponent("preset").path
            let r = try Conversion.convert(try ViTCheckpoint(path: Fixtures.sample("models/hf-classifier")), to: .keras, destination: out)
            #expect(r.files == ["config.json", "metadata.json", "model.weights.h5", "task.json", "task.weights.h5"])
            let ref = Fixtures.sample("models/keras-hub/classifier")
            #expect(try Self.datasets(out + "/model.weights.h5") == Self.datasets(ref + "/model.weights.h5"))
            let task = try Self.datasets(out + "/task.weights.h5")
            #expect(task == (try Self.datasets(ref + "/task.weights.h5")).filter { !$0.key.hasPrefix("optimizer/") })
            let config = try Fixtures.json(out + "/config.json"), refConfig = try Fixtures.json(ref + "/config.json")
            for key in ["image_shape", "patch_size", "num_layers", "num_heads", "hidden_dim", "mlp_dim", "use_mha_bias"] {
                #expect(config["config"]?[key] == refConfig["config"]?[key], "\(key)")
            }
            #expect(config["config"]?["layer_norm_epsilon"]?.doubleValue == 1e-12)  // the transformers model's
            #expect(config["registered_name"] == refConfig["registered_name"])
            #expect(try Fixtures.json(out + "/task.json")["config"]?["num_classes"]?.intValue == 5)
        }
    }

    @Test func pooledModelIsRefusedUnlessDropped() throws {
        try Fixtures.withTemporaryDirectory("keras-pool") { dir in
            let src = try ViTCheckpoint(path: Fixtures.sample("models/hf-in21k"))
            let out = dir.appendingPathComponent("p").path
            do {
                _ = try Conversion.convert(src, to: .keras, destination: out)
                Issue.record("a pooled model was written as keras")
            } catch ViTError.conversionRefused(_, .notRepresentable(.keras, let reason)) {
                #expect(reason.hasPrefix("has a pooler"))
            }
            #expect(!FileManager.default.fileExists(atPath: out))
            let r = try Conversion.convert(src, to: .keras, destination: out, options: .init(dropPooler: true))
            #expect(r.files == ["config.json", "metadata.json", "model.weights.h5"])
        }
    }

    @Test(arguments: [("\"pooling\": \"token\"", "\"pooling\": \"gap\"", "ViTImageClassifier pooling \"gap\""),
                      ("\"activation\": null", "\"activation\": \"softmax\"", "ViTImageClassifier output activation \"softmax\"")])
    func taskConfigsVitkitCannotRunAreRefused(from: String, to: String, feature: String) throws {
        try Fixtures.withTemporaryDirectory("keras-task") { dir in
            let copy = dir.appendingPathComponent("c").path
            try FileManager.default.copyItem(atPath: Fixtures.sample("models/keras-hub/classifier"), toPath: copy)
            let text = try String(contentsOfFile: copy + "/task.json", encoding: .utf8)
            #expect(text.contains(from))
            try text.replacingOccurrences(of: from, with: to).write(toFile: copy + "/task.json", atomically: true, encoding: .utf8)
            do {
                _ = try ViTCheckpoint(path: copy)
                Issue.record("\(to) was accepted")
            } catch let ViTError.notSupportedYet(file, f, _) {
                #expect(file == copy + "/task.json" && f == feature)
            }
        }
    }

    @Test func backboneWithoutClassTokenIsNotSupportedYet() throws {
        try Fixtures.withTemporaryDirectory("keras-gap") { dir in
            let src = Fixtures.sample("models/keras-hub/backbone")
            let copy = dir.appendingPathComponent("b").path
            try FileManager.default.copyItem(atPath: src, toPath: copy)
            let text = try String(contentsOfFile: copy + "/config.json", encoding: .utf8)
            try text.replacingOccurrences(of: "\"use_class_token\": true", with: "\"use_class_token\": false")
                .write(toFile: copy + "/config.json", atomically: true, encoding: .utf8)
            do {
                _ = try ViTCheckpoint(path: copy)
                Issue.record("use_class_token false was accepted")
            } catch let ViTError.notSupportedYet(_, feature, _) {
                #expect(feature == "a keras-hub ViTBackbone with use_class_token: false")
            }
        }
    }
}
