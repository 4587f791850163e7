import Foundation
import Testing
import Tensors

/// `vitkit attention`: the grid against transformers' attentions, the PNG and its write guard.
@Suite("vitkit attention")
struct AttentionCommandTests {
    static let model = CLI.sample("models/hf-classifier")
    static let image = CLI.sample("images/chelsea.png")

    @Test func jsonGridIsTheRolloutTransformersAttentionsGive() throws {
        let r = try CLI.run(["attention", Self.model, Self.image, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(r.json)
        #expect(json["method"]?.stringValue == "rollout" && json["layer"] == .null && json["grid_size"]?.intValue == 4)
        let got = try #require(json["grid"]?.arrayValue).flatMap { $0.arrayValue?.compactMap(\.doubleValue) ?? [] }
        let reference = try JSON.parse([UInt8](Data(contentsOf: URL(fileURLWithPath: CLI.sample("expected/attention.json")))))
        let want = try #require(reference["hf-classifier"]?["chelsea.png"]?["rollout"]?.arrayValue).dropFirst().compactMap(\.doubleValue)
        #expect(got.count == 16 && zip(got, want).allSatisfy { abs($0 - $1) <= 1e-5 })

        let layer = try CLI.run(["attention", Self.model, Self.image, "--json", "--layer", "1"])
        #expect(layer.status == 0, "\(layer.stderr)")
        #expect(layer.json?["method"]?.stringValue == "layer" && layer.json?["layer"]?.intValue == 1)
    }

    @Test func pictureIsThePhotoSizePlusTheScale() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("map.png").path
        let r = try CLI.run(["attention", Self.model, CLI.sample("images/astronaut.jpg"), "-o", out])
        #expect(r.status == 0 && r.stdout.isEmpty, "\(r.stderr)")
        let (w, h) = try EvaluatePlotCommandTests.pngSize(out)
        #expect(w == 150 && h == 100 + 26, "\(w)x\(h)")
        // An existing file needs --force; the image itself is never replaced.
        let again = try CLI.run(["attention", Self.model, Self.image, "-o", out])
        #expect(again.status != 0 && again.stderr.contains(out))
        let before = try Data(contentsOf: URL(fileURLWithPath: Self.image))
        let over = try CLI.run(["attention", Self.model, Self.image, "-o", Self.image, "--force"])
        #expect(over.status != 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: Self.image)) == before)
    }

    @Test func badRequestsAreOneLineErrors() throws {
        for args in [["--layer", "2", "--json"], ["--layer", "0", "--rollout", "--json"], [], ["--layer", "-1", "--json"]] {
            let r = try CLI.run(["attention", Self.model, Self.image] + args)
            #expect(r.status != 0 && !r.stderr.isEmpty && r.stdout.isEmpty, "\(args): \(r.stderr)")
        }
        let missing = try CLI.run(["attention", Self.model, "/nonexistent.png", "--json"])
        #expect(missing.status != 0 && missing.stderr.contains("/nonexistent.png"))
    }

    /// A center-cropping processor (DINOv2's BitImageProcessor: shortest edge 64, crop 56) sees
    /// the middle of the 150x100 photo only: columns 31...118 after the resize to 96x64. Pixels
    /// left of that are dimmed (blended 60% with black), not coloured.
    @Test func theCropTheModelSawIsWhereTheMapGoes() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("crop.png").path
        let r = try CLI.run(["attention", CLI.sample("models/family/hf-dinov2-reg"), CLI.sample("images/astronaut.jpg"), "-o", out])
        #expect(r.status == 0, "\(r.stderr)")
        let python = ProcessInfo.processInfo.environment["VITKIT_REFERENCE_PYTHON"] ?? "/root/venv-ref/bin/python"
        guard FileManager.default.isExecutableFile(atPath: python) else { return }
        // Pillow reads both; the pixel at (5, 50) must be round(0.4 x the photo's).
        let script = """
        import sys; from PIL import Image
        a = Image.open(sys.argv[1]).convert("RGB").getpixel((5, 50)); p = Image.open(sys.argv[2]).convert("RGB").getpixel((5, 50))
        print(all(abs(x - round(0.4 * y)) <= 1 for x, y in zip(a, p)))
        """
        let p = try CLI.capture([python, "-c", script, out, CLI.sample("images/astronaut.jpg")])
        #expect(p.status == 0 && p.stdout.hasPrefix("True"), "\(p.stdout) \(p.stderr)")
    }
}
