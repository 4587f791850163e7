import Foundation
import SafeTensors
import Tensors
import Testing

/// The library's errors name no flags; the CLI adds the flag that changes the outcome.
@Suite("flag hints on errors")
struct ErrorHintTests {
    @Test func eachRefusalNamesTheFlagThatLiftsIt() throws {
        let dir = try CLI.tempDir()
        let image = CLI.sample("images/chelsea.png")
        let existing = dir.appendingPathComponent("exists.safetensors").path
        try Data("x".utf8).write(to: URL(fileURLWithPath: existing))
        // The sample classifier plus one tensor the graph does not use.
        let source = try SafeTensorsFile(path: CLI.sample("models/hf-classifier/model.safetensors"))
        let extra = dir.appendingPathComponent("extra.safetensors").path
        let step = TensorInfo(name: "optimizer.step", dtype: .f32, shape: [1])
        try SafeTensorsWriter.write(to: extra, entries: source.tensors + [step]) { (info) throws(CheckpointError) -> Tensor in
            info.name == step.name ? Tensor(floats: [1], shape: [1]) : try source.tensor(named: info.name)
        }
        let cases: [([String], String)] = [
            (["convert", CLI.sample("models/hf-in21k"), dir.appendingPathComponent("t.safetensors").path, "--to", "timm"], "--drop-pooler"),
            (["convert", CLI.sample("models/hf-classifier-bf16"), dir.appendingPathComponent("tf").path, "--to", "tf"], "--dtype f32 or f16"),
            (["convert", CLI.sample("models/hf-classifier"), existing, "--to", "native"], "--force"),
            (["predict", CLI.sample("models/hf-classifier"), image, "--image-size", "160000"], "--image-size"),
            (["predict", CLI.sample("models/hf-classifier"), image, "--max-labels", "4"], "--max-labels"),
            (["predict", extra, image], "--allow-unused"),
        ]
        for (args, flag) in cases {
            let r = try CLI.run(args)
            #expect(r.status == 1, "\(args): \(r.stderr)")
            #expect(r.stderr.contains(flag), "\(args): \(r.stderr)")
        }
    }
}
