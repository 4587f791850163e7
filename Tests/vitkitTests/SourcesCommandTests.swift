import Foundation
import Testing
import Tensors

/// `inspect`, `convert` and `verify` on the newer sources: keras-hub presets (outputs
/// recorded by keras-hub) and big_vision scanned npz (outputs recorded by transformers).
@Suite("vitkit on keras-hub presets and big_vision scanned checkpoints")
struct SourcesCommandTests {
    static let keras = CLI.sample("models/keras-hub/classifier")
    static let scanned = CLI.sample("models/jax/classifier-scanned.npz")

    @Test func inspectShowsTheSchemes() throws {
        let k = try CLI.run(["inspect", Self.keras])
        #expect(k.status == 0 && k.stdout.contains("scheme: keras   config: \(Self.keras)/config.json"), "\(k.stderr)")
        #expect(k.stdout.contains("mapping: all 40 stored tensors mapped, nothing missing"))
        let kj = try #require(try CLI.run(["inspect", Self.keras, "--json"]).json)
        #expect(kj["scheme"]?.stringValue == "keras")
        let s = try CLI.run(["inspect", Self.scanned])
        #expect(s.status == 0 && s.stdout.contains("scheme: jax (big_vision scanned: 2 blocks stacked)"))
        let sj = try #require(try CLI.run(["inspect", Self.scanned, "--json"]).json)
        #expect(sj["scheme"]?.stringValue == "jax" && sj["scanned_depth"]?.intValue == 2)
        let map = try CLI.run(["inspect", CLI.sample("models/jax/map-head-scanned.npz")])
        #expect(map.stdout.contains("no ViT layer view: ") && map.stdout.contains("MAP head (attention pooling instead of the class token) is not supported yet (15 tensors: params/MAPHead_0/"))
    }

    /// keras-hub -> hf -> keras: each verifies against keras-hub's recorded outputs.
    @Test func convertedPresetsVerifyAgainstKerasHub() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let hf = dir.appendingPathComponent("hf").path, back = dir.appendingPathComponent("keras").path
        let exp = CLI.sample("expected/expectations/keras-hub-classifier.json")
        #expect(try CLI.run(["convert", Self.keras, hf, "--to", "hf"]).status == 0)
        let w = try CLI.run(["convert", hf, back, "--to", "keras"])
        #expect(w.status == 0 && w.stdout.contains("wrote \(back) (keras, 40 tensors"), "\(w.stderr)")
        for path in [hf, back] {
            let v = try CLI.run(["verify", path, "--expectations", exp, "--atol", "1e-5"])
            #expect(v.status == 0 && v.stdout.contains("PASS: 7/7 images"), "\(path): \(v.stdout) \(v.stderr)")
        }
        // --force replaces a preset vitkit wrote, never a directory holding anything else.
        #expect(try CLI.run(["convert", Self.keras, back, "--to", "keras", "--force"]).status == 0)
        try Data("mine".utf8).write(to: URL(fileURLWithPath: back + "/README.md"))
        let refused = try CLI.run(["convert", Self.keras, back, "--to", "keras", "--force"])
        #expect(refused.status != 0 && refused.stderr.contains("README.md"))
    }

    @Test func scannedRoundTripOnTheCommandLine() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("s.npz").path
        let w = try CLI.run(["convert", CLI.sample("models/hf-classifier"), out, "--to", "jax", "--scanned"])
        #expect(w.status == 0 && w.stdout.contains("(jax, 24 tensors"), "\(w.stderr)")
        let v = try CLI.run(["verify", out, "--config", CLI.sample("models/hf-classifier/config.json"),
                             "--expectations", CLI.sample("expected/expectations/hf-classifier.json"), "--atol", "1e-5"])
        #expect(v.status == 0, "\(v.stdout) \(v.stderr)")
        let bad = try CLI.run(["convert", Self.scanned, dir.appendingPathComponent("t").path, "--to", "tf", "--scanned"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("a scanned (stacked-block) layout exists only for big_vision's npz (jax), not tf (--scanned goes with --to jax)"))
    }
}
