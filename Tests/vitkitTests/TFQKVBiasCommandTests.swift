import Foundation
import Testing
import Tensors
@testable import HDF5

/// `verify` and `convert` on a transformers-TF file whose config says `qkv_bias: false` but
/// which stores q/k/v biases (samples/models/tf-noqkvbias, outputs recorded by transformers-TF).
@Suite("vitkit on TF files without qkv bias in their config")
struct TFQKVBiasCommandTests {
    static let model = CLI.sample("models/tf-noqkvbias")
    static let expectations = CLI.sample("expected/expectations/tf-noqkvbias.json")

    /// A copy of the sample (configs too) with its q/k/v biases zeroed, written by vitkit's Keras writer.
    static func zeroBiasCopy(in dir: URL) throws -> String {
        let out = dir.appendingPathComponent("tf-zero").path
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        for f in ["config.json", "preprocessor_config.json"] {
            try FileManager.default.copyItem(atPath: model + "/" + f, toPath: out + "/" + f)
        }
        let source = try KerasWeightsFile(path: model + "/tf_model.h5")
        let layers = source.layerNames.map { layer in (layer, source.weights.filter { $0.layer == layer }.map(\.name)) }
        let writer = try KerasWeightsWriter(destination: out + "/tf_model.h5", layers: layers)
        var zeroed = 0
        for w in source.weights {
            var t = try source.tensor(named: w.name)
            if w.name.contains("/attention/attention/"), w.name.hasSuffix("/bias:0") {
                t = Tensor(floats: [Float](repeating: 0, count: w.shape.reduce(1, *)), shape: w.shape)
                zeroed += 1
            }
            try writer.write(weightName: w.name, tensor: t)
        }
        try writer.commit()
        #expect(zeroed == 6)
        return out
    }

    /// `inspect` says the same as predict and verify: the stored biases are used.
    @Test func inspectNotesTheStoredBiases() throws {
        let r = try CLI.run(["inspect", Self.model])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("says qkv_bias false, but tf_model.h5 stores q/k/v biases (transformers-TF always builds them); they are used"), "\(r.stderr)")
        let plain = try CLI.run(["inspect", CLI.sample("models/tf-classifier")])
        #expect(!plain.stderr.contains("qkv_bias"), "\(plain.stderr)")
    }

    @Test func verifyUsesTheStoredBiasesWithoutAllowUnused() throws {
        let r = try CLI.run(["verify", Self.model, "--expectations", Self.expectations, "--json"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.json?["passed"]?.boolValue == true)
        #expect(r.stderr.contains("says qkv_bias false, but tf_model.h5 stores q/k/v biases"), "\(r.stderr)")
    }

    @Test func convertToHFKeepsNonzeroBiasesAndStillPasses() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("hf").path
        let r = try CLI.run(["convert", Self.model, out, "--to", "hf"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("not all zero: kept, the written config says qkv_bias true"), "\(r.stderr)")
        let config = try JSON.parse([UInt8](Data(contentsOf: URL(fileURLWithPath: out + "/config.json"))))
        #expect(config["qkv_bias"]?.boolValue == true)
        let v = try CLI.run(["verify", out, "--expectations", Self.expectations])
        #expect(v.status == 0, "\(v.stdout)\(v.stderr)")
        #expect(!v.stderr.contains("qkv_bias"), "\(v.stderr)")
    }

    @Test func convertDropsExactlyZeroBiasesWithANote() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let zero = try Self.zeroBiasCopy(in: dir)
        let hf = dir.appendingPathComponent("hf").path
        let r = try CLI.run(["convert", zero, hf, "--to", "hf"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("all exactly zero: dropped, the config keeps qkv_bias false"), "\(r.stderr)")
        #expect(r.stdout.contains("34 tensors"), "\(r.stdout)")  // 40 less 2 x (q, k, v) biases
        let config = try JSON.parse([UInt8](Data(contentsOf: URL(fileURLWithPath: hf + "/config.json"))))
        #expect(config["qkv_bias"]?.boolValue == false)
        // Dropping zeros changes nothing the model computes.
        let same = try CLI.run(["verify", hf, "--against", zero, CLI.sample("images/chelsea.png"), CLI.sample("images/astronaut.jpg")])
        #expect(same.status == 0, "\(same.stdout)\(same.stderr)")
        // Back to tf they stay (transformers-TF stores them), under the config's qkv_bias false.
        let tf = dir.appendingPathComponent("tf").path
        let t = try CLI.run(["convert", zero, tf, "--to", "tf"])
        #expect(t.status == 0 && t.stderr.contains("kept in tf_model.h5"), "\(t.stderr)")
        #expect(t.stdout.contains("40 tensors"), "\(t.stdout)")
        let tfConfig = try JSON.parse([UInt8](Data(contentsOf: URL(fileURLWithPath: tf + "/config.json"))))
        #expect(tfConfig["qkv_bias"]?.boolValue == false)
    }
}
