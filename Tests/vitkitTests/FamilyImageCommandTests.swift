import Foundation
import Testing
import Tensors

/// DeiT and DINOv2 end to end through real images: pixel tensors byte-identical to
/// transformers' DeiTImageProcessor / BitImageProcessor (np.save'd by
/// samples/family_expectations.py), and `verify` within 1e-5 of transformers' outputs for each
/// kind, from the transformers files and from the timm files (which carry no config).
@Suite("DeiT / DINOv2 through images")
struct FamilyImageCommandTests {
    static let models: [(name: String, processor: String, timm: String?)] = [
        ("hf-deit-distilled", "DeiTImageProcessor-64", "timm-deit-distilled"), ("hf-deit-model", "DeiTImageProcessor-64", nil),
        ("hf-dinov2", "BitImageProcessor-56", "timm-dinov2"), ("hf-dinov2-classifier", "BitImageProcessor-56", nil),
        ("hf-dinov2-reg", "BitImageProcessor-56", "timm-dinov2-reg"), ("hf-dinov2-swiglu", "BitImageProcessor-56", "timm-dinov2-swiglu"),
    ]
    static let images = ["astronaut.jpg", "camera-16bit.png", "camera.png", "chelsea-grey.jpg", "chelsea.png", "coffee-rgba.png",
                         "rocket-palette.png"]

    @Test(arguments: models.map(\.name))
    func verifyAgreesWithTransformers(name: String) throws {
        let r = try CLI.run(["verify", CLI.sample("models/family/\(name)"),
                             "--expectations", CLI.sample("expected/expectations/family-\(name).json")])
        #expect(r.status == 0 && r.stdout.contains("PASS: 7/7"), "\(name): \(r.stdout) \(r.stderr)")
    }

    @Test(arguments: models.compactMap { m in m.timm.map { (m.name, $0) } })
    func timmFilesAgreeWithTransformersGivenTheConfig(_ pair: (String, String)) throws {
        let r = try CLI.run(["verify", CLI.sample("models/family/\(pair.1).safetensors"),
                             "--config", CLI.sample("models/family/\(pair.0)/config.json"),
                             "--expectations", CLI.sample("expected/expectations/family-\(pair.0).json")])
        #expect(r.status == 0 && r.stdout.contains("PASS: 7/7"), "\(pair.1): \(r.stdout) \(r.stderr)")
    }

    @Test(arguments: [("hf-deit-distilled", "DeiTImageProcessor-64"), ("hf-dinov2", "BitImageProcessor-56")])
    func pixelTensorsAreTheProcessorsBytes(_ c: (String, String)) throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["predict", CLI.sample("models/family/\(c.0)"), "--save-pixels", dir.path]
            + Self.images.map { CLI.sample("images/\($0)") })
        #expect(r.status == 0, "\(r.stderr)")
        for image in Self.images {
            let ours = try Data(contentsOf: dir.appendingPathComponent(image + ".npy"))
            let theirs = try Data(contentsOf: URL(fileURLWithPath: CLI.sample("expected/family/image-pixels/\(c.1)/\(image).npy")))
            #expect(ours == theirs, "\(c.0) \(image)")
        }
    }
}
