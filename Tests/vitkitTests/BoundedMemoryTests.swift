import Foundation
import Testing
import Tensors
import NumPy
@testable import HDF5

/// Checkpoints that ask for far more memory than they hold are refused before anything is
/// allocated: the real binary runs under a 500 MB address-space limit (`ulimit -v`), so an
/// allocation of the declared size would fail and crash it instead of printing the error.
@Suite("predict with bounded memory")
struct BoundedMemoryTests {
    /// KiB of address space the binary gets; a normal predict on the samples needs ~200 MB.
    static let addressSpace = 500_000

    static func run(_ args: [String]) throws -> (reason: Process.TerminationReason, status: Int32, stderr: String, seconds: Double) {
        let start = Date()
        let r = try FullDiskTests.run("ulimit -v \(addressSpace); exec \"$@\"", args)
        return (r.reason, r.status, r.stderr, Date().timeIntervalSince(start))
    }

    static func expectRefused(_ r: (reason: Process.TerminationReason, status: Int32, stderr: String, seconds: Double),
                              naming file: String, _ phrases: [String]) {
        #expect(r.reason == .exit && r.status == 1, "status \(r.status) (\(r.reason)): \(r.stderr)")
        // One error line (notes about inferred config values may precede it).
        #expect(r.stderr.split(separator: "\n").filter { !$0.hasPrefix("note: ") }.count == 1, "not one line: \(r.stderr)")
        #expect(r.stderr.contains(file), "\(r.stderr)")
        for p in phrases { #expect(r.stderr.contains(p), "no '\(p)' in: \(r.stderr)") }
        #expect(r.seconds < 20, "took \(r.seconds) s")
    }

    /// Google's JAX npz of the sample classifier, its head replaced by `labels` classes of
    /// deflated zeros (the attack: 5 MB of npz for 26M labels; here 1.1M, 211 MB inflated, ~200 KB).
    static func npzWithLabels(_ labels: Int, in dir: URL) throws -> String {
        let source = try NPZFile(path: CLI.sample("models/jax/classifier.npz"))
        let path = dir.appendingPathComponent("many-labels.npz").path
        let writer = try NPZWriter(path: path, compressed: true)
        for info in source.tensors {
            let hidden = 48
            switch info.name {
            case "head/kernel": try writer.append(name: info.name, tensor: zeros([hidden, labels]))
            case "head/bias": try writer.append(name: info.name, tensor: zeros([labels]))
            default: try writer.append(name: info.name, tensor: try source.tensor(named: info.name))
            }
        }
        try writer.commit()
        return path
    }

    static func zeros(_ shape: [Int]) -> Tensor {
        Tensor(dtype: .f32, shape: shape, data: .owned(OwnedBuffer(count: shape.reduce(4, *))))
    }

    @Test func anNpzWithOverAMillionLabelsIsRefusedBeforeReading() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try Self.npzWithLabels(1_100_000, in: dir)
        let image = CLI.sample("images/chelsea.png")
        let r = try Self.run(["predict", path, image, "--heads", "4"])
        Self.expectRefused(r, naming: path, ["1100000 classifier labels (from the classifier's shape)", "over the limit of 1000000", "--max-labels"])
        // Labels allowed, parameters not: 1.1M x 48 weights in the head alone.
        let p = try Self.run(["predict", path, image, "--heads", "4", "--max-labels", "2000000", "--max-parameters", "10000000"])
        Self.expectRefused(p, naming: path, ["graph parameters (inferred from tensor shapes)", "over the limit of 10000000", "--max-parameters"])
    }

    /// transformers' TF weights of the sample classifier with a head of `labels` classes held
    /// in a chunked, deflated dataset that was never written (libhdf5 would return its fill
    /// value for every declared byte), padded with unlisted data so the file is large enough
    /// for the declared size to pass the per-file compression bound.
    static func kerasWithUnwrittenHead(labels: Int, in dir: URL) throws -> String {
        let source = try KerasWeightsFile(path: CLI.sample("models/tf-classifier/tf_model.h5"))
        let path = dir.appendingPathComponent("tf_model.h5").path
        let w = try HDF5Writer(creating: path)
        try KerasWeightsWriter.writeStringList(w, "/", KerasLayout.layerNames, source.layerNames)
        for layer in source.layerNames {
            try w.createGroup("/" + layer)
            try KerasWeightsWriter.writeStringList(w, "/" + layer, KerasLayout.weightNames, source.weights.filter { $0.layer == layer }.map(\.name))
        }
        for weight in source.weights {
            let object = "/\(weight.layer)/\(weight.name)"
            if weight.layer == "classifier" {
                let shape = weight.shape.count == 2 ? [weight.shape[0], labels] : [labels]
                try w.createUnwrittenDataset(object, dtype: .f32, shape: shape, chunks: shape.count == 2 ? [weight.shape[0], 65536] : [65536], deflateLevel: 4)
            } else {
                try w.writeDataset(object, try source.tensor(named: weight.name))
            }
        }
        // Not listed in layer_names: never read, only makes the file big enough.
        var random = SystemRandomNumberGenerator()
        let padding = (0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &random) }
        try w.writeDataset("/padding", Tensor(dtype: .u8, shape: [padding.count], data: padding.withUnsafeBytes { .copying($0) }))
        try w.close()
        return path
    }

    @Test func aKerasHeadNeverWrittenIsRefusedBeforeReading() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        // 4M labels x 48 x 4 bytes = 768 MB declared, over the binary's 500 MB of address space.
        let path = try Self.kerasWithUnwrittenHead(labels: 4_000_000, in: dir)
        let image = CLI.sample("images/chelsea.png")
        let r = try Self.run(["predict", path, image, "--heads", "4"])
        Self.expectRefused(r, naming: path, ["4000000 classifier labels", "--max-labels"])
        // With the label limit raised, the read itself is refused: nothing of the head is stored.
        let read = try Self.run(["predict", path, image, "--heads", "4", "--max-labels", "5000000"])
        Self.expectRefused(read, naming: path, ["classifier", "declares 768000000 bytes but stores none", "fill value"])
    }

    @Test func aConfigAskingForAHugeGraphIsRefused() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.appendingPathComponent("hf")
        try FileManager.default.copyItem(atPath: CLI.sample("models/hf-classifier"), toPath: model.path)
        let configURL = model.appendingPathComponent("config.json")
        let config = try String(contentsOf: configURL, encoding: .utf8)
            .replacingOccurrences(of: "\"hidden_size\": 48", with: "\"hidden_size\": 400000")
        #expect(config.contains("400000"))
        try config.write(to: configURL, atomically: true, encoding: .utf8)
        let r = try Self.run(["predict", model.path, CLI.sample("images/chelsea.png")])
        Self.expectRefused(r, naming: model.path, ["graph parameters (from \(configURL.path))", "over the limit of 2500000000", "--max-parameters"])
    }

    @Test func theLimitsAreExactAndCanBeRaised() throws {
        let model = CLI.sample("models/hf-classifier"), image = CLI.sample("images/chelsea.png")
        let under = try Self.run(["predict", model, image, "--max-parameters", "76036"])
        Self.expectRefused(under, naming: model, ["76037 graph parameters", "over the limit of 76036", "--max-parameters"])
        #expect(try Self.run(["predict", model, image, "--max-parameters", "76037"]).status == 0)
        let labels = try Self.run(["predict", model, image, "--max-labels", "4"])
        Self.expectRefused(labels, naming: model, ["5 classifier labels", "--max-labels"])
        #expect(try Self.run(["predict", model, image, "--max-labels", "5"]).status == 0)
        let zero = try CLI.run(["predict", model, image, "--max-labels", "0"])
        #expect(zero.status != 0 && zero.stderr.contains("--max-labels must be positive"), "\(zero.stderr)")
    }
}
