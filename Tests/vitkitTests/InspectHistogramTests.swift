import Foundation
import Testing
import Tensors

/// `inspect --histogram NAME -o FILE.png`: one chart per matching tensor, through the write guard.
@Suite("inspect --histogram")
struct InspectHistogramTests {
    static let model = CLI.sample("models/hf-in21k")

    @Test func oneChartPerMatchingTensorInAGridOfThree() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("h.png").path
        let one = try CLI.run(["inspect", Self.model, "--histogram", "embeddings.patch_embeddings.projection.weight", "-o", out])
        #expect(one.status == 0 && one.stderr.contains("1 histogram"), "\(one.stderr)")
        let (w1, h1) = try EvaluatePlotCommandTests.pngSize(out)
        // Eight weights of block 0 (q, k, v, o, fc1, fc2 and the two LayerNorm gains): 3 x 3 grid.
        let many = try CLI.run(["inspect", Self.model, "--histogram", "encoder.layer.0.*weight", "-o", out, "--force"])
        #expect(many.status == 0 && many.stderr.contains("8 histograms"), "\(many.stderr)")
        let (w8, h8) = try EvaluatePlotCommandTests.pngSize(out)
        #expect(w8 == 3 * (w1 - 16) + 4 * 8 && h8 == 3 * (h1 - 16) + 4 * 8, "\(w1)x\(h1), \(w8)x\(h8)")
    }

    @Test func refusalsAreOneLineErrorsAndTheCheckpointIsUntouched() throws {
        let file = CLI.sample("models/hf-in21k/model.safetensors")
        let before = try Data(contentsOf: URL(fileURLWithPath: file))
        for args in [["--histogram", "nothing-has-this-name", "-o", "/tmp/vitkit-never.png"],
                     ["--histogram", "*bias"], ["-o", "/tmp/vitkit-never.png"],
                     ["--histogram", "*", "-o", file, "--force"], ["--histogram", "*", "-o", "/tmp/vitkit-never.png", "--bins", "0"]] {
            let r = try CLI.run(["inspect", Self.model] + args)
            #expect(r.status != 0 && !r.stderr.isEmpty, "\(args): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count <= 3, "\(args): \(r.stderr)")  // usage errors add the usage line
        }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/vitkit-never.png"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == before)
    }
}
