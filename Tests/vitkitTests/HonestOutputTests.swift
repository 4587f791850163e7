import Foundation
import Testing
import Tensors

/// Numbers vitkit is given or prints are honest: numeric options are range-checked, a config
/// that is not an object is refused and a partial one noted, and NaN or infinite outputs are
/// never printed as results or passed.
@Suite("vitkit honest numbers")
struct HonestOutputTests {
    static let model = CLI.sample("models/hf-classifier")
    static let image = CLI.sample("images/chelsea.png")

    @Test(arguments: [
        (["diff", model, model, "--atol=nan"], "--atol"),
        (["diff", model, model, "--atol=-1"], "--atol"),
        (["diff", model, model, "--atol", "inf"], "--atol"),
        (["verify", model, "--against", model, image, "--atol=nan"], "--atol"),
        (["verify", model, "--against", model, image, "--rtol=-0.5"], "--rtol"),
        (["verify", model, "--against", model, image, "--image-size=-64"], "--image-size"),
        (["predict", model, image, "--top-k=-3"], "--top-k"),
        (["predict", model, image, "--top-k=0"], "--top-k"),
        (["predict", model, image, "--image-size=0"], "--image-size"),
        (["predict", model, image, "--heads=-4"], "--heads"),
        (["inspect", model, "--heads=0"], "--heads"),
        (["convert", model, "/nonexistent/out", "--to", "hf", "--heads=-1"], "--heads"),
    ])
    func numericOptionsOutOfRangeAreRefused(args: [String], flag: String) throws {
        let r = try CLI.run(args)
        #expect(r.status != 0)
        #expect(r.stdout.isEmpty, "\(r.stdout)")
        #expect(r.stderr.hasPrefix("Error: \(flag) must be a"), "\(r.stderr)")
    }

    /// A copy of the hf-classifier directory with `config` as its config.json.
    static func modelDirectory(config: String?) throws -> URL {
        let dir = try CLI.tempDir()
        try FileManager.default.copyItem(atPath: CLI.sample("models/hf-classifier/model.safetensors"),
                                         toPath: dir.appendingPathComponent("model.safetensors").path)
        if let config { try Data(config.utf8).write(to: dir.appendingPathComponent("config.json")) }
        return dir
    }

    @Test(arguments: ["[]", "3", "\"config\"", "null"])
    func aConfigThatIsNotAnObjectIsRefusedNamingIt(config: String) throws {
        let dir = try Self.modelDirectory(config: config)
        let path = dir.appendingPathComponent("config.json").path
        for args in [["predict", dir.path, Self.image], ["inspect", dir.path],
                     ["predict", Self.model, Self.image, "--config", path]] {
            let r = try CLI.run(args)
            #expect(r.status != 0, "\(args)")
            #expect(r.stderr == "Error: \(path): expected a JSON object, found \(config)\n", "\(args)")
            #expect(r.stdout.isEmpty)
        }
    }

    @Test(arguments: [
        (#"{"qkv_bias": "yes"}"#, #"qkv_bias must be true or false, found "yes""#),
        (#"{"layer_norm_eps": "small"}"#, #"layer_norm_eps must be a number, found "small""#),
        (#"{"layer_norm_eps": -1e-6}"#, "layer_norm_eps must be a finite number >= 0"),
        (#"{"id2label": ["a", "b"]}"#, "id2label must be an object"),
        (#"{"hidden_act": 1}"#, "hidden_act must be a string, found 1"),
        (#"{"num_attention_heads": 0}"#, "num_attention_heads must be positive, found 0"),
    ])
    func aConfigFieldOfTheWrongTypeOrRangeIsRefusedNamingTheFile(config: String, message: String) throws {
        let dir = try Self.modelDirectory(config: config)
        let r = try CLI.run(["predict", dir.path, Self.image])
        #expect(r.status != 0)
        #expect(r.stderr.contains("\(dir.appendingPathComponent("config.json").path): \(message)"), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test func anEmptyConfigIsNotedWithEveryKeyTakenFromTheShapes() throws {
        let dir = try Self.modelDirectory(config: "{}")
        let path = dir.appendingPathComponent("config.json").path
        let r = try CLI.run(["predict", dir.path, Self.image, "--heads", "4"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr == "note: \(path) does not give hidden_size, num_hidden_layers, intermediate_size, image_size, patch_size, num_channels, qkv_bias, layer_norm_eps, hidden_act, id2label; used the tensor shapes instead (layer_norm_eps, hidden_act: the hf defaults 1e-12, gelu); labels are placeholders LABEL_0..LABEL_4 (give a config with id2label)\n")
        // With the head count given, the rest from the shapes is the sample's config: the same
        // scores as the complete directory, only the label names are placeholders.
        let labelled = try CLI.run(["predict", Self.model, Self.image]).stdout
        let names = ["tabby", "astronaut", "coffee", "rocket", "camera"]
        let placeholders = names.indices.reduce(labelled) { $0.replacingOccurrences(of: "  \(names[$1])  ", with: "  LABEL_\($1)  ") }
        #expect(r.stdout == placeholders, "\(r.stdout)")
        #expect(r.stdout.contains("LABEL_2"))
    }

    @Test func aConfigWithoutLabelsIsNotedAndInspectListsWhatWasInferred() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: CLI.sample("models/hf-classifier/config.json")))
        guard case .object(let members) = try JSON.parse([UInt8](data)) else { Issue.record("sample config"); return }
        let config = JSON.object(members.filter { $0.0 != "id2label" && $0.0 != "label2id" }).prettyText
        let dir = try Self.modelDirectory(config: config)
        let path = dir.appendingPathComponent("config.json").path

        let r = try CLI.run(["predict", dir.path, Self.image, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr == "note: \(path) does not give id2label; used the tensor shapes instead; labels are placeholders LABEL_0..LABEL_4 (give a config with id2label)\n")
        let inspect = try CLI.run(["inspect", dir.path, "--json"])
        #expect(inspect.json?["config_inferred"] == .array([.string("id2label")]))
        let complete = try CLI.run(["inspect", Self.model, "--json"])
        #expect(complete.json?["config_inferred"] == .array([]))
        #expect(complete.stderr.isEmpty, "\(complete.stderr)")
    }

    @Test func noConfigWithAClassifierIsNoted() throws {
        let dir = try Self.modelDirectory(config: nil)
        let r = try CLI.run(["predict", dir.path, Self.image, "--heads", "4"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr == "note: \(dir.path) has no config.json; the config is inferred from the tensor shapes; labels are placeholders LABEL_0..LABEL_4 (give a config with id2label)\n")
    }

    /// A copy of the hf-classifier directory whose tensor `name` has `value` as its first element
    /// (the safetensors header is read here with Foundation, not vitkit).
    static func poisoned(_ name: String, _ value: Float) throws -> URL {
        let dir = try modelDirectory(config: nil)
        try FileManager.default.copyItem(atPath: CLI.sample("models/hf-classifier/config.json"),
                                         toPath: dir.appendingPathComponent("config.json").path)
        let file = dir.appendingPathComponent("model.safetensors")
        var bytes = [UInt8](try Data(contentsOf: file))
        let n = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try #require(try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + n)])) as? [String: Any])
        let entry = try #require(header[name] as? [String: Any])
        let offsets = try #require(entry["data_offsets"] as? [Int])
        let at = 8 + n + offsets[0]
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.replaceSubrange(at..<(at + 4), with: $0) }
        try Data(bytes).write(to: file)
        return dir
    }

    @Test(arguments: [
        ("classifier.bias", Float.nan, "logits"),
        ("classifier.bias", Float.infinity, "logits"),
        ("vit.layernorm.bias", Float.nan, "logits, cls"),
    ])
    func predictRefusesNonFiniteOutputsInTextAndJSON(tensor: String, value: Float, outputs: String) throws {
        let dir = try Self.poisoned(tensor, value)
        for args in [["predict", dir.path, Self.image], ["predict", dir.path, Self.image, "--json"]] {
            let r = try CLI.run(args)
            #expect(r.status != 0, "\(args)")
            #expect(r.stdout.isEmpty, "\(r.stdout)")
            #expect(r.stderr == "Error: \(dir.path): outputs for \(Self.image) are not finite (NaN or infinity in \(outputs)); the weight \(tensor) holds NaN or infinity\n")
        }
    }

    @Test func verifyNeverPassesNonFiniteOutputs() throws {
        let dir = try Self.poisoned("classifier.bias", .nan)
        let expectations = CLI.sample("expected/expectations/hf-classifier.json")
        // A tolerance that lets any finite difference pass still fails NaN.
        let loose = try CLI.run(["verify", dir.path, "--expectations", expectations, "--atol", "1e30"])
        #expect(loose.status == 1)
        #expect(loose.stdout.contains("(NOT FINITE: logits hold NaN or infinity)"), "\(loose.stdout)")
        #expect(!loose.stdout.contains("PASS"))

        let json = try CLI.run(["verify", dir.path, "--against", Self.model, Self.image, "--json", "--atol", "1e30"])
        #expect(json.status == 1)
        #expect(json.json?["passed"]?.boolValue == false)
        #expect(json.json?["images"]?.arrayValue?.first?["not_finite"] == .array([.string("logits")]))

        let out = try CLI.tempDir().appendingPathComponent("nan.json").path
        let record = try CLI.run(["verify", dir.path, "--record", out, Self.image])
        #expect(record.status != 0)
        #expect(record.stderr.contains("are not finite"), "\(record.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func diffReportsANaNWeightAsDifferent() throws {
        let dir = try Self.poisoned("classifier.bias", .nan)
        let r = try CLI.run(["diff", Self.model, dir.path, "--json", "--atol", "1e30"])
        #expect(r.status == 1)
        let entry = r.json?["tensors"]?.arrayValue?.first { $0["name"]?.stringValue == "classifier.bias" }
        #expect(entry?["status"]?.stringValue == "different")
        let same = try CLI.run(["diff", dir.path, dir.path, "--json"])
        #expect(same.status == 0, "equal bits, NaN included, are identical")
        let self_ = same.json?["tensors"]?.arrayValue?.first { $0["name"]?.stringValue == "classifier.bias" }
        #expect(self_?["max_abs_diff"] == .number("0.0"))
    }
}
