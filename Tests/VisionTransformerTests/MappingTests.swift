import Foundation
import TestScratch
import Testing
import Tensors
import SafeTensors
@testable import ViTModel
@testable import ViTConversion
@testable import ViTInference
@testable import ViTVerification
import Checkpoints
import Preprocessing

/// Missing, extra and mis-shaped tensors fail with a report naming them.
@Suite("strict mapping")
struct MappingTests {
    /// Copies hf-classifier's tensors into a new file after `edit`.
    func variant(_ edit: (inout [(name: String, tensor: Tensor)]) -> Void) throws -> String {
        let src = try SafeTensorsFile(path: Fixtures.sample("models/hf-classifier/model.safetensors"))
        var tensors: [(name: String, tensor: Tensor)] = try src.tensors.map { (name: $0.name, tensor: try src.tensor(named: $0.name)) }
        edit(&tensors)
        let dir = TestScratch.root.appendingPathComponent("vitkit-map-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Fixtures.sample("models/hf-classifier/config.json"), toPath: dir.appendingPathComponent("config.json").path)
        let path = dir.appendingPathComponent("model.safetensors").path
        try SafeTensorsWriter.write(to: path, tensors: tensors, metadata: [("format", "pt")])
        return dir.path
    }

    func failure(_ path: String, allowUnused: Bool = false) throws -> String {
        let ckpt = try ViTCheckpoint(path: path)
        do {
            try ckpt.requireComplete(allowUnused: allowUnused)
            return ""
        } catch {
            return error.description
        }
    }

    @Test func missingTensorIsNamed() throws {
        let path = try variant { $0.removeAll { $0.name == "vit.encoder.layer.1.attention.attention.key.bias" } }
        let message = try failure(path)
        #expect(message.contains("missing: vit.encoder.layer.1.attention.attention.key.bias"), "\(message)")
        #expect(throws: (any Error).self) { try ViTForward(ViTCheckpoint(path: path)) }
        let dst = TestScratch.root.appendingPathComponent("vitkit-never-\(UUID().uuidString)").path
        #expect(throws: (any Error).self) { try Conversion.convert(ViTCheckpoint(path: path), to: .native, destination: dst) }
        #expect(!FileManager.default.fileExists(atPath: dst))
    }

    @Test func extraTensorIsNamedUnlessAllowed() throws {
        let path = try variant { $0.append(("optimizer.step", Tensor(floats: [1], shape: [1]))) }
        #expect(try failure(path).contains("unused: optimizer.step"))
        #expect(try failure(path, allowUnused: true).isEmpty)
    }

    @Test func misShapedTensorIsNamedWithBothShapes() throws {
        let path = try variant { tensors in
            let k = tensors.firstIndex { $0.name == "vit.encoder.layer.0.intermediate.dense.weight" }!
            tensors[k].tensor = Tensor(floats: [Float](repeating: 0, count: 48 * 95), shape: [95, 48])
        }
        let message = try failure(path)
        #expect(message.contains("mismatched: vit.encoder.layer.0.intermediate.dense.weight has shape [95, 48], expected [96, 48]"), "\(message)")
    }

    @Test func aTensorOfTheWrongRankIsMismatchedNotUnused() throws {
        let path = try variant { tensors in
            let k = tensors.firstIndex { $0.name == "vit.encoder.layer.1.output.dense.weight" }!
            tensors[k].tensor = Tensor(floats: [Float](repeating: 0, count: 48 * 96), shape: [48, 96, 1])
        }
        let message = try failure(path)
        #expect(message.contains("mismatched: vit.encoder.layer.1.output.dense.weight has shape [48, 96, 1], expected [48, 96]"), "\(message)")
        #expect(!message.contains("unused"))
        let ckpt = try ViTCheckpoint(path: path)
        #expect(throws: ViTError.self) { try ckpt.parameter("layers.1.fc2.weight") }
    }

    @Test func optimizerStateInJaxCheckpointIsReportedUnused() throws {
        let ckpt = try ViTCheckpoint(path: Fixtures.sample("models/jax/in21k-opt-target.npz"))
        #expect(ckpt.scheme.id == .jax)
        #expect(ckpt.report.missing.isEmpty && ckpt.report.mismatched.isEmpty)
        #expect(ckpt.report.unused.count == 3)
        #expect(throws: ViTError.self) { try ckpt.requireComplete() }
        try ckpt.requireComplete(allowUnused: true)
    }

    @Test(arguments: [
        ("models/hf-classifier", NamingScheme.ID.hf), ("models/hf-in21k", .hf), ("models/tf-classifier", .tf),
        ("models/tf-in21k", .tf), ("models/jax/in21k.npz", .jax), ("models/timm/classifier.safetensors", .timm),
        ("models/jax/classifier-big-vision.npz", .jax), ("h5/tf-in21k-suffix-1.h5", .tf), ("h5/tf-classifier-keras3-names.h5", .tf), ("h5/tf-classifier-sharded", .tf),
    ])
    func schemeIsDetected(path: String, scheme: NamingScheme.ID) throws {
        let ckpt = try ViTCheckpoint(path: Fixtures.sample(path), options: .init(heads: 4))
        #expect(ckpt.scheme.id == scheme)
        #expect(ckpt.report.isComplete, "\(ckpt.report.problemLines)")
        #expect(ckpt.report.unused.isEmpty)
    }

    @Test func configIsInferredFromJaxShapesIncludingHeads() throws {
        let c = try ViTCheckpoint(path: Fixtures.sample("models/jax/classifier.npz")).config
        #expect(c.hiddenSize == 48 && c.numHiddenLayers == 2 && c.numAttentionHeads == 4 && !c.headsAssumed)
        #expect(c.intermediateSize == 96 && c.imageSize == 64 && c.patchSize == 16 && c.numLabels == 5 && !c.hasPooler)
    }

    @Test func headsAreAssumedAndSaidSoWithoutConfig() throws {
        let c = try ViTCheckpoint(path: Fixtures.sample("models/timm/classifier.safetensors")).config
        #expect(c.headsAssumed)
    }
}
