import Foundation
import Testing
import Tensors

/// `predict` and `verify` end to end on the committed samples.
@Suite("vitkit predict and verify")
struct VerifyCommandTests {
    @Test(arguments: [
        ("models/hf-classifier", "hf-classifier"), ("models/hf-in21k", "hf-in21k"),
        ("models/hf-classifier-f16", "hf-classifier-f16"), ("models/hf-classifier-bf16", "hf-classifier-bf16"),
        ("models/tf-classifier", "hf-classifier"), ("models/jax/in21k.npz", "hf-in21k"),
        ("models/hf-classifier", "hf-classifier-96"), ("models/tf-noqkvbias", "tf-noqkvbias"),
        ("dtypes/hf-classifier-f8e4m3", "hf-classifier-f8e4m3"),  // float8_e4m3fn weights, upcast as transformers does
    ])
    func verifyPassesAgainstTransformers(model: String, expectations: String) throws {
        let r = try CLI.run(["verify", CLI.sample(model), "--expectations", CLI.sample("expected/expectations/\(expectations).json"), "--json"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.json?["passed"]?.boolValue == true)
    }

    /// `verify --compute bf16` passes with the tolerance the user gives, and says that the
    /// file's own tolerance (1e-4) is for float32 when none is given.
    @Test func verifyWithBFloat16UsesTheGivenTolerance() throws {
        let model = CLI.sample("models/hf-classifier"), e = CLI.sample("expected/expectations/hf-classifier.json")
        let loose = try CLI.run(["verify", model, "--expectations", e, "--compute", "bf16", "--atol", "0.05", "--json"])
        #expect(loose.status == 0, "\(loose.stdout)\(loose.stderr)")
        #expect(loose.json?["atol"]?.doubleValue == 0.05)
        let cpu = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        guard cpu.contains(" avx512_bf16") || cpu.contains(" amx_bf16") else { return }  // bf16 runs as f32 there
        let strict = try CLI.run(["verify", model, "--expectations", e, "--compute", "bf16"])
        #expect(strict.status != 0 && strict.stdout.contains("FAIL"), "\(strict.stdout)")
        #expect(strict.stderr.contains("--atol"), "\(strict.stderr)")
    }

    @Test func verifyFailsWhenTheModelDiffers() throws {
        // The in21k expectations do not describe the classifier model.
        let r = try CLI.run(["verify", CLI.sample("models/hf-classifier"), "--expectations", CLI.sample("expected/expectations/hf-in21k.json")])
        #expect(r.status != 0)
        #expect(r.stdout.contains("FAIL"))
    }

    @Test func predictJSONHasTheDocumentedKeys() throws {
        let images = [CLI.sample("images/chelsea.png"), CLI.sample("images/astronaut.jpg")]
        let r = try CLI.run(["predict", CLI.sample("models/hf-classifier"), "--json", "--top-k", "3"] + images)
        #expect(r.status == 0, "\(r.stderr)")
        let results = try #require(r.json?["results"]?.arrayValue)
        #expect(results.count == 2)
        #expect(results.map { $0["image"]?.stringValue } == images)
        #expect(results[0]["logits"]?.arrayValue?.count == 5)
        #expect(results[0]["cls"]?.arrayValue?.count == 48)
        #expect(results[0]["top_k"]?.arrayValue?.count == 3)
        #expect(results[0]["top_k"]?.arrayValue?[0]["label"]?.stringValue != nil)
        let in21k = try CLI.run(["predict", CLI.sample("models/hf-in21k"), "--json", images[0]])
        let first = try #require(in21k.json?["results"]?.arrayValue?.first)
        #expect(first["pooler_output"]?.arrayValue?.count == 48)
        #expect(first["logits"] == nil && first["top_k"] == nil)
    }

    @Test func predictAtAnotherImageSizeMatchesTransformersInterpolation() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: CLI.sample("expected/expectations/hf-classifier-96.json")))
        let expected = try #require(try JSON.parse([UInt8](data))["images"]?.arrayValue?.first)
        let image = CLI.sample("images/" + (expected["path"]!.stringValue! as NSString).lastPathComponent)
        let r = try CLI.run(["predict", CLI.sample("models/hf-classifier"), image, "--image-size", "96", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let got = try #require(r.json?["results"]?.arrayValue?.first?["logits"]?.arrayValue).map { $0.doubleValue! }
        let want = try #require(expected["logits"]?.arrayValue).map { $0.doubleValue! }
        #expect(got.count == want.count)
        #expect(zip(got, want).allSatisfy { abs($0 - $1) <= 1e-4 }, "\(got) vs \(want)")
    }

    @Test func recordThenVerifyAndAgainst() throws {
        let dir = try CLI.tempDir()
        let out = dir.appendingPathComponent("mine.json").path
        let images = [CLI.sample("images/chelsea.png"), CLI.sample("images/camera.png")]
        let rec = try CLI.run(["verify", CLI.sample("models/hf-classifier"), "--record", out] + images)
        #expect(rec.status == 0, "\(rec.stderr)")
        let again = try CLI.run(["verify", CLI.sample("models/tf-classifier"), "--expectations", out])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        let against = try CLI.run(["verify", CLI.sample("models/jax/classifier.npz"), "--against", CLI.sample("models/hf-classifier")] + images)
        #expect(against.status == 0, "\(against.stdout)\(against.stderr)")
    }
}

/// `diff` compares through the graph across formats and exits 0 only within --atol.
@Suite("vitkit diff")
struct DiffCommandTests {
    @Test func acrossFormatsIdenticalAndWithinTolerance() throws {
        let same = try CLI.run(["diff", CLI.sample("models/hf-classifier"), CLI.sample("models/tf-classifier"), "--json"])
        #expect(same.status == 0, "\(same.stdout)\(same.stderr)")
        let entries = try #require(same.json?["tensors"]?.arrayValue)
        #expect(entries.count == 40 && entries.allSatisfy { $0["status"]?.stringValue == "identical" })

        let f16 = try CLI.run(["diff", CLI.sample("models/hf-classifier"), CLI.sample("models/hf-classifier-f16"), "--json"])
        #expect(f16.status == 1)
        #expect(f16.json?["agree"]?.boolValue == false)
        let loose = try CLI.run(["diff", CLI.sample("models/hf-classifier"), CLI.sample("models/hf-classifier-f16"), "--atol", "0.01"])
        #expect(loose.status == 0, "\(loose.stdout)")
    }

    @Test func onlyInOneIsReported() throws {
        // The in21k model has a pooler and no classifier; the classifier model the reverse.
        let r = try CLI.run(["diff", CLI.sample("models/hf-in21k"), CLI.sample("models/hf-classifier"), "--json"])
        #expect(r.status == 1)
        let statuses = try #require(r.json?["tensors"]?.arrayValue).compactMap { $0["status"]?.stringValue }
        #expect(statuses.contains("only_in_a") && statuses.contains("only_in_b"))
    }
}
