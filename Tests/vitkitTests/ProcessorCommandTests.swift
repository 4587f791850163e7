import Foundation
import Testing
import Tensors

/// `--processor pillow|fast` end to end: `models/hf-classifier` with a BiT (DINOv2-style)
/// processor, against outputs transformers recorded through `BitImageProcessor` and
/// `BitImageProcessorFast` (`samples/generate_processors.py`).
@Suite("vitkit --processor")
struct ProcessorCommandTests {
    static let model = CLI.sample("models/hf-classifier")
    static func expectations(_ suffix: String) -> String { CLI.sample("processors/expectations/hf-classifier-bit64\(suffix).json") }

    /// The recorded file names its processor; verify replays it (to 1e-5) without a flag.
    @Test(arguments: ["", "-fast"])
    func verifyReplaysTheRecordedProcessor(suffix: String) throws {
        let r = try CLI.run(["verify", Self.model, "--expectations", Self.expectations(suffix), "--atol", "1e-5", "--json"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.json?["passed"]?.boolValue == true)
    }

    @Test func verifyRefusesAnotherProcessorThanTheFiles() throws {
        let r = try CLI.run(["verify", Self.model, "--expectations", Self.expectations("-fast"), "--processor", "pillow"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("recorded with --processor fast"), "\(r.stderr)")
    }

    /// A model directory with the BiT config: predict follows `--processor`, and the two
    /// processors give different logits, each equal to transformers' own within 1e-5.
    @Test func predictFollowsTheProcessorFlag() throws {
        let dir = try CLI.tempDir().appendingPathComponent("model")
        try FileManager.default.copyItem(atPath: Self.model, toPath: dir.path)
        let config = dir.appendingPathComponent("preprocessor_config.json")
        try FileManager.default.removeItem(at: config)
        try FileManager.default.copyItem(atPath: CLI.sample("processors/configs/bit64/preprocessor_config.json"), toPath: config.path)
        let image = CLI.sample("images/chelsea-grey.jpg")
        func logits(_ args: [String]) throws -> [Double] {
            let r = try CLI.run(["predict", dir.path, image, "--json"] + args)
            #expect(r.status == 0, "\(r.stderr)")
            return r.json?["results"]?.arrayValue?.first?["logits"]?.arrayValue?.compactMap(\.doubleValue) ?? []
        }
        func recorded(_ suffix: String) throws -> [Double] {
            let json = try JSON.parse(Array(try Data(contentsOf: URL(fileURLWithPath: Self.expectations(suffix)))))
            let entry = json["images"]?.arrayValue?.first { $0["path"]?.stringValue?.hasSuffix("/chelsea-grey.jpg") == true }
            return entry?["logits"]?.arrayValue?.compactMap(\.doubleValue) ?? []
        }
        let slow = try logits([]), fast = try logits(["--processor", "fast"])
        let (wantSlow, wantFast) = (try recorded(""), try recorded("-fast"))
        #expect(slow.count == 5 && fast.count == 5 && wantSlow.count == 5 && wantFast.count == 5)
        #expect(zip(slow, wantSlow).allSatisfy { abs($0 - $1) <= 1e-5 }, "\(slow) vs \(wantSlow)")
        #expect(zip(fast, wantFast).allSatisfy { abs($0 - $1) <= 1e-5 }, "\(fast) vs \(wantFast)")
        #expect(zip(wantSlow, wantFast).contains { abs($0 - $1) > 1e-4 }, "the two processors should differ here")
    }

    /// `verify --record --processor fast` writes the processor and its config; the file
    /// replays with the fast path and passes.
    @Test func recordWritesTheProcessorAndReplaysIt() throws {
        let out = try CLI.tempDir().appendingPathComponent("fast.json").path
        let images = [CLI.sample("images/chelsea.png"), CLI.sample("images/coffee-rgba.png")]
        let rec = try CLI.run(["verify", Self.model, "--record", out, "--processor", "fast"] + images)
        #expect(rec.status == 0, "\(rec.stderr)")
        let json = try JSON.parse(Array(try Data(contentsOf: URL(fileURLWithPath: out))))
        #expect(json["preprocessing"]?["processor"]?.stringValue == "fast")
        #expect(json["preprocessing"]?["processor_config"]?["image_processor_type"]?.stringValue == "ViTImageProcessorFast")
        let replay = try CLI.run(["verify", Self.model, "--expectations", out, "--atol", "0", "--json"])
        #expect(replay.status == 0, "\(replay.stdout)\(replay.stderr)")
        let wrong = try CLI.run(["verify", Self.model, "--expectations", out, "--processor", "pillow"])
        #expect(wrong.status == 1)
    }

    @Test func anUnknownProcessorIsAUsageError() throws {
        let r = try CLI.run(["predict", Self.model, CLI.sample("images/chelsea.png"), "--processor", "torch"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("--processor"), "\(r.stderr)")
    }
}
