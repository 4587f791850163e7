import Foundation
import Testing
import Tensors
@testable import ViTModel
@testable import ViTConversion
@testable import ViTInference
@testable import ViTVerification
import Checkpoints
import Preprocessing

/// Every sample (written by transformers, transformers-TF, numpy in Google's layout, timm)
/// converted to every scheme and back gives bit-identical tensors.
@Suite("lossless conversion round trips")
struct RoundTripTests {
    static let sources: [(path: String, scheme: NamingScheme.ID)] = [
        ("models/hf-classifier", .hf), ("models/tf-classifier", .tf),
        ("models/jax/classifier.npz", .jax), ("models/timm/classifier.safetensors", .timm),
        ("models/hf-in21k", .hf), ("models/jax/in21k.npz", .jax),
        ("models/keras-hub/classifier", .keras), ("models/keras-hub/backbone", .keras),
    ]

    static func output(_ dir: URL, _ to: NamingScheme.ID) -> String {
        switch to {
        case .hf, .tf, .keras: dir.appendingPathComponent("out-\(to)").path
        case .jax: dir.appendingPathComponent("out.npz").path
        case .timm, .native: dir.appendingPathComponent("out-\(to).safetensors").path
        }
    }

    /// Every source through every target, except pooled (in21k) models through timm and
    /// keras, which have no pooler (PoolerTests covers that refusal and `--drop-pooler`).
    static let pairs: [((path: String, scheme: NamingScheme.ID), NamingScheme.ID)] =
        sources.flatMap { source in [NamingScheme.ID.native, .hf, .tf, .jax, .timm, .keras].map { (source, $0) } }
            .filter { !([.timm, .keras].contains($0.1) && $0.0.path.contains("in21k")) }

    @Test(arguments: pairs)
    func roundTripIsBitExact(source: (path: String, scheme: NamingScheme.ID), via target: NamingScheme.ID) throws {
        try Fixtures.withTemporaryDirectory("rt") { dir in
            let original = try ViTCheckpoint(path: Fixtures.sample(source.path), options: .init(heads: 4))
            #expect(original.scheme.id == source.scheme)
            let there = Self.output(dir, target)
            _ = try Conversion.convert(original, to: target, destination: there)
            let converted = try ViTCheckpoint(path: there, options: .init(heads: 4))
            #expect(converted.scheme.id == target)
            try converted.requireComplete()
            let back = dir.appendingPathComponent(source.scheme == .jax ? "back.npz" : source.scheme == .timm ? "back.safetensors" : "back").path
            _ = try Conversion.convert(converted, to: source.scheme, destination: back)
            let returned = try ViTCheckpoint(path: back, options: .init(heads: 4))
            for (a, b) in [(original, converted), (original, returned)] {
                let diff = try CheckpointDiff(a, b, atol: 0)
                #expect(diff.entries.count == original.config.graphParameters.count)
                for e in diff.entries where e.status != .identical {
                    Issue.record("\(source.path) via \(target): \(e.name) is \(e.status)")
                }
            }
            // The stored tensors of the returned file equal the original's, name for name.
            let names = original.checkpoint.source.tensors.map(\.name).sorted()
            #expect(returned.checkpoint.source.tensors.map(\.name).sorted() == names)
        }
    }
}

/// `--dtype f16|bf16` rounds exactly as PyTorch's `.half()` / `.to(torch.bfloat16)` did for
/// the committed f16/bf16 samples (same weights, written by transformers).
@Suite("dtype conversion matches PyTorch")
struct DTypeConversionTests {
    @Test(arguments: [(DType.f16, "models/hf-classifier-f16"), (DType.bf16, "models/hf-classifier-bf16")])
    func narrowingIsBitIdenticalToTorch(dtype: DType, reference: String) throws {
        try Fixtures.withTemporaryDirectory("dt") { dir in
            let out = dir.appendingPathComponent("narrow.safetensors").path
            _ = try Conversion.convert(ViTCheckpoint(path: Fixtures.sample("models/hf-classifier")), to: .native, destination: out,
                                       options: .init(dtype: dtype))
            let narrowed = try ViTCheckpoint(path: out)
            #expect(narrowed.checkpoint.source.tensors.allSatisfy { $0.dtype == dtype })
            let diff = try CheckpointDiff(narrowed, ViTCheckpoint(path: Fixtures.sample(reference)), atol: 0)
            #expect(diff.entries.count == 40)
            #expect(diff.entries.allSatisfy { $0.status == .identical }, "\(diff.entries.filter { $0.status != .identical }.map(\.name))")
        }
    }
}

/// HDF5 has no bfloat16: a bf16 source goes to tf only with an explicit --dtype.
@Suite("bf16 and tf")
struct BF16ToTFTests {
    @Test func bf16SourceNeedsAnExplicitDType() throws {
        try Fixtures.withTemporaryDirectory("bf16tf") { dir in
            let source = try ViTCheckpoint(path: Fixtures.sample("models/hf-classifier-bf16"))
            let out = dir.appendingPathComponent("tf").path
            #expect { try Conversion.convert(source, to: .tf, destination: out) } throws: { "\($0)".contains("bfloat16") }
            #expect { try Conversion.convert(source, to: .tf, destination: out, options: .init(dtype: .bf16)) } throws: { "\($0)".contains("bfloat16") }
            #expect(!FileManager.default.fileExists(atPath: out))
            _ = try Conversion.convert(source, to: .tf, destination: out, options: .init(dtype: .f32))
            let diff = try CheckpointDiff(ViTCheckpoint(path: out), source, atol: 0)
            #expect(diff.agrees)  // bf16 -> f32 is exact
        }
    }
}

/// timm's VisionTransformer has no pooler: converting an in21k model there needs --drop-pooler.
@Suite("pooler and timm")
struct PoolerTests {
    @Test func timmOutputOfAPooledModelNeedsDropPooler() throws {
        try Fixtures.withTemporaryDirectory("pool") { dir in
            let source = try ViTCheckpoint(path: Fixtures.sample("models/hf-in21k"))
            let out = dir.appendingPathComponent("timm.safetensors").path
            #expect { try Conversion.convert(source, to: .timm, destination: out) } throws: { error in
                guard case ViTError.conversionRefused(_, .poolerInTimm)? = error as? ViTError else { return false }
                return !"\(error)".contains("--")  // the library names no CLI flag
            }
            #expect(!FileManager.default.fileExists(atPath: out))
            _ = try Conversion.convert(source, to: .timm, destination: out, options: .init(dropPooler: true))
            let timm = try ViTCheckpoint(path: out, options: .init(heads: 4))
            try timm.requireComplete()
            #expect(!timm.config.hasPooler)
            #expect(!timm.checkpoint.source.tensors.contains { $0.name.contains("pre_logits") })
            let diff = try CheckpointDiff(timm, source, atol: 0)
            #expect(diff.entries.filter { $0.status != .identical }.map(\.name) == ["pooler.weight", "pooler.bias"])
        }
    }

    /// The native file's `vitkit.source_sha256` (hashed while the tensors stream, filled in at
    /// the end) equals coreutils' `sha256sum` of the source weights, for a file and a sharded
    /// directory (whose index is hashed).
    @Test(arguments: [("models/hf-classifier", "models/hf-classifier/model.safetensors"),
                      ("models/hf-sharded", "models/hf-sharded/model.safetensors.index.json")])
    func nativeMetadataHoldsTheSourcesSHA256(_ c: (String, String)) throws {
        try Fixtures.withTemporaryDirectory("sha") { dir in
            let out = dir.appendingPathComponent("n.safetensors").path
            _ = try Conversion.convert(ViTCheckpoint(path: Fixtures.sample(c.0)), to: .native, destination: out)
            let metadata = try Checkpoint.open(out).source.metadata
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
            p.arguments = [Fixtures.sample(c.1)]
            let pipe = Pipe()
            p.standardOutput = pipe
            try p.run()
            let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            let want = try #require(text.split(separator: " ").first.map(String.init))
            #expect(want.count == 64 && metadata.first { $0.key == "vitkit.source_sha256" }?.value == want)
        }
    }
}
