import Foundation
import Testing
import Tensors
@testable import ViTModel
@testable import ViTConversion
@testable import ViTInference

/// DeiT and DINOv2 conversion between transformers and timm names: a converted file gives the
/// outputs the other library recorded for the same weights, and round trips are bit-exact.
@Suite("DeiT and DINOv2 conversion")
struct FamilyConversionTests {
    static let kinds = FamilyForwardTests.kinds

    static func hf(_ kind: String) -> String { "models/family/hf-\(kind)" }
    static func timm(_ kind: String) -> String { "models/family/timm-\(kind).safetensors" }

    static func output(_ dir: URL, _ name: String, _ to: NamingScheme.ID) -> String {
        dir.appendingPathComponent(to == .hf ? name : name + ".safetensors").path
    }

    /// hf -> timm runs as timm recorded; timm -> hf runs as transformers recorded (including
    /// its interpolated sizes: DINOv2 with registers keeps its antialiased interpolation).
    @Test(arguments: kinds)
    func convertedFilesRunAsTheOtherLibrary(kind: String) throws {
        try Fixtures.withTemporaryDirectory("family") { dir in
            let toTimm = Self.output(dir, "timm", .timm), toHF = Self.output(dir, "hf", .hf)
            let hfResult = try Conversion.convert(FamilyForwardTests.open(Self.hf(kind)), to: .timm, destination: toTimm)
            let convertedTimm = try FamilyForwardTests.open(toTimm)
            #expect(convertedTimm.scheme.id == .timm)
            try convertedTimm.requireComplete()
            try FamilyForwardTests.check(convertedTimm, against: "timm-\(kind)")
            // timm has no mask token; registers move the class position into cls_token (no_embed_class).
            #expect(hfResult.droppedParameters == (kind == "deit-distilled" ? [] : [CanonicalName.maskToken]))
            #expect(hfResult.foldedClassPosition == (kind == "dinov2-reg" ? true : nil))
            let timmResult = try Conversion.convert(FamilyForwardTests.open(Self.timm(kind)), to: .hf, destination: toHF)
            #expect(timmResult.foldedClassPosition == (kind == "dinov2-reg" ? false : nil))
            let convertedHF = try FamilyForwardTests.open(toHF)
            #expect(convertedHF.scheme.id == .hf)
            try convertedHF.requireComplete()
            let config = try Fixtures.json(toHF + "/config.json")
            let original = try Fixtures.json(Fixtures.sample(Self.hf(kind) + "/config.json"))
            for key in ["architectures", "model_type", "num_register_tokens", "use_swiglu_ffn", "mlp_ratio", "hidden_act"] {
                #expect(config[key] == original[key], "\(kind) config.json \(key): \(String(describing: config[key]))")
            }
            try FamilyForwardTests.check(convertedHF, against: "hf-\(kind)")
        }
    }

    static let roundTrips: [(String, NamingScheme.ID, NamingScheme.ID)] =
        kinds.flatMap { kind in
            [(hf(kind), NamingScheme.ID.hf, NamingScheme.ID.native), (timm(kind), .timm, .native), (timm(kind), .timm, .hf)]
        } + [("models/family/hf-dinov2-classifier", .hf, .native), ("models/family/hf-deit-model", .hf, .native)]

    /// Through another scheme and back gives the same stored tensors, name for name, bit for bit.
    @Test(arguments: roundTrips)
    func roundTripIsBitExact(source: String, scheme: NamingScheme.ID, via target: NamingScheme.ID) throws {
        try Fixtures.withTemporaryDirectory("family-rt") { dir in
            let original = try FamilyForwardTests.open(source)
            #expect(original.scheme.id == scheme)
            let there = Self.output(dir, "there", target)
            _ = try Conversion.convert(original, to: target, destination: there)
            let back = Self.output(dir, "back", scheme)
            _ = try Conversion.convert(FamilyForwardTests.open(there), to: scheme, destination: back)
            let returned = try FamilyForwardTests.open(back)
            #expect(returned.config == original.config)
            let names = original.checkpoint.source.tensors.map(\.name).sorted()
            #expect(returned.checkpoint.source.tensors.map(\.name).sorted() == names)
            for name in names {
                let a = try original.checkpoint.source.tensor(named: name), b = try returned.checkpoint.source.tensor(named: name)
                let same = a.shape == b.shape && a.dtype == b.dtype
                    && a.data.withUnsafeBytes { x in b.data.withUnsafeBytes { y in x.elementsEqual(y) } }
                #expect(same, "\(source) via \(target): \(name) differs")
            }
        }
    }

    /// Targets without a place for an option refuse, naming it.
    @Test(arguments: [("models/family/hf-dinov2-classifier", NamingScheme.ID.timm, "cls + patch mean"),
                      ("models/family/hf-dinov2", .tf, "LayerScale"), ("models/family/hf-deit-distilled", .jax, "distillation token"),
                      ("models/family/timm-dinov2-swiglu.safetensors", .tf, "SwiGLU"),
                      ("models/family/hf-deit-model", .timm, "pooler")])
    func targetsWithoutTheOptionRefuse(source: String, target: NamingScheme.ID, named: String) throws {
        try Fixtures.withTemporaryDirectory("family-refuse") { dir in
            let destination = dir.appendingPathComponent(target == .jax ? "out.npz" : "out").path
            do {
                _ = try Conversion.convert(FamilyForwardTests.open(source), to: target, destination: destination)
                Issue.record("\(source) -> \(target) was written")
            } catch {
                #expect("\(error)".contains(named), "\(error)")
            }
            #expect(!FileManager.default.fileExists(atPath: destination))
        }
    }

    /// Native files using a family option are version 2 (a version-1 reader refuses them);
    /// plain ViTs stay version 1; both read back with every option.
    @Test(arguments: [("models/family/timm-dinov2-reg.safetensors", "2"), ("models/family/hf-deit-distilled", "2"),
                      ("models/hf-classifier", "1")])
    func nativeVersionFollowsTheOptions(source: String, version: String) throws {
        try Fixtures.withTemporaryDirectory("family-native") { dir in
            let original = try FamilyForwardTests.open(source)
            let path = dir.appendingPathComponent("n.safetensors").path
            _ = try Conversion.convert(original, to: .native, destination: path)
            let native = try FamilyForwardTests.open(path)
            #expect(native.checkpoint.source.metadata.first { $0.key == NativeFormat.formatKey }?.value == version)
            #expect(native.config == original.config)
        }
    }
}
