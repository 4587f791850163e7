import Foundation
import Testing
import Tensors

/// `inspect` shows the DeiT / DINOv2 options; `convert` says what it changed or left out.
@Suite("vitkit on DeiT and DINOv2 checkpoints")
struct FamilyCommandTests {
    @Test(arguments: [
        ("models/family/hf-dinov2-reg", ["tokens: cls + 2 registers + 16 patches, mask token", "blocks: MLP (gelu) + LayerScale",
                                         "Dinov2WithRegistersModel, interpolation bicubic_antialias"]),
        ("models/family/timm-dinov2-reg.safetensors", ["(no class position: timm no_embed_class)"]),
        ("models/family/timm-deit-distilled.safetensors", ["tokens: cls + dist + 16 patches", "distillation classifier (logits: mean of both)",
                                                           "DeiTForImageClassificationWithTeacher"]),
        ("models/family/hf-dinov2-swiglu", ["blocks: SwiGLU MLP + LayerScale", "mlp 128"]),
        ("models/family/hf-dinov2-classifier", ["classifier (5 labels) on cls + mean patch token"]),
        ("models/hf-classifier", ["tokens: cls + 16 patches", "blocks: MLP (gelu)   family: ViTForImageClassification"]),
    ])
    func layerViewShowsTheOptions(path: String, lines: [String]) throws {
        let r = try CLI.run(["inspect", CLI.sample(path), "--heads", "4"])
        #expect(r.status == 0, "\(r.stderr)")
        for line in lines { #expect(r.stdout.contains(line), "\(path): no '\(line)' in\n\(r.stdout.prefix(600))") }
    }

    @Test func jsonConfigHasTheOptions() throws {
        let r = try CLI.run(["inspect", CLI.sample("models/family/timm-dinov2-reg.safetensors"), "--heads", "4", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let c = try #require(r.json?["vit_config"])
        #expect(c["num_register_tokens"] == .int(2) && c["layer_scale"] == .bool(true) && c["class_position"] == .bool(false))
        #expect(c["mlp"] == .string("mlp") && c["position_interpolation"] == .string("bicubic_antialias"))
        // timm files have no config.json: the one transformers would need is shown.
        let hf = try #require(r.json?["config"])
        #expect(hf["model_type"] == .string("dinov2_with_registers") && hf["num_register_tokens"] == .int(2))
        #expect(hf["architectures"] == .array([.string("Dinov2WithRegistersModel")]))
    }

    @Test func convertSaysWhatItMovedOrLeftOut() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let timm = dir.appendingPathComponent("timm.safetensors").path
        let r = try CLI.run(["convert", CLI.sample("models/family/hf-dinov2-reg"), timm, "--to", "timm"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("mask token (pre-training only) has no name in timm: left out"), "\(r.stderr)")
        #expect(r.stderr.contains("class position added to cls_token"), "\(r.stderr)")
        let refused = try CLI.run(["convert", CLI.sample("models/family/hf-dinov2"), dir.appendingPathComponent("tf").path, "--to", "tf"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("cannot be written as tf: it has LayerScale (tf holds plain ViTs only)"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
    }
}
