import Foundation
import Testing
import Tensors

/// `vitkit evaluate --compare`: two checkpoints on the same images.
@Suite("vitkit evaluate --compare")
struct EvaluateCompareCommandTests {
    static let model = CLI.sample("models/hf-classifier")
    static let mainKeys: Set<String> = ["images", "accuracy", "top_k_accuracy", "k", "precision_macro", "recall_macro", "f1_macro",
                                        "precision_weighted", "recall_weighted", "f1_weighted", "per_class", "labels",
                                        "confusion_matrix", "errors", "seconds", "images_per_second"]

    static func keys(_ j: JSON?) -> Set<String> { Set(j?.objectValue?.map(\.0) ?? []) }

    /// A copy of the sample classifier's directory with `edit` applied to its JSON files.
    static func copy(into dir: URL, config: (String) -> String = { $0 }, preprocessor: (String) -> String = { $0 }) throws -> String {
        let out = dir.appendingPathComponent("copy")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: model + "/model.safetensors", toPath: out.path + "/model.safetensors")
        try config(String(contentsOfFile: model + "/config.json", encoding: .utf8))
            .write(toFile: out.path + "/config.json", atomically: true, encoding: .utf8)
        try preprocessor(String(contentsOfFile: model + "/preprocessor_config.json", encoding: .utf8))
            .write(toFile: out.path + "/preprocessor_config.json", atomically: true, encoding: .utf8)
        return out.path
    }

    @Test func convertedCopyAgreesExactly() throws {
        // tf-classifier: the same weights saved by transformers' TensorFlow class (samples/README).
        let r = try CLI.run(["evaluate", Self.model, CLI.sample("eval"), "--compare", CLI.sample("models/tf-classifier"), "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let j = try #require(r.json, "\(r.stdout)")
        #expect(Self.keys(j) == Self.mainKeys.union(["compare"]))
        let c = try #require(j["compare"])
        #expect(Self.keys(c) == ["checkpoint", "other_checkpoint", "differing_predictions", "max_abs_logit_diff", "atol", "passed",
                                 "differences", "other"])
        #expect(c["checkpoint"]?.stringValue == Self.model && c["other_checkpoint"]?.stringValue == CLI.sample("models/tf-classifier"))
        #expect(c["differing_predictions"]?.intValue == 0 && c["differences"]?.arrayValue?.isEmpty == true)
        #expect(c["max_abs_logit_diff"]?.doubleValue == 0 && c["atol"]?.doubleValue == 1e-4 && c["passed"] == .bool(true))
        #expect(Self.keys(c["other"]) == Self.mainKeys)
        for key in ["accuracy", "f1_macro", "confusion_matrix", "per_class", "labels", "images"] { #expect(c["other"]?[key] == j[key], "\(key)") }
        let text = try CLI.run(["evaluate", Self.model, CLI.sample("eval"), "--compare", CLI.sample("models/tf-classifier")])
        #expect(text.status == 0 && text.stdout.contains("predictions that differ: 0 of 15"), "\(text.stdout)")
    }

    @Test func bf16LogitsBeyondATinyAtolFail() throws {
        let bf16 = CLI.sample("models/hf-classifier-bf16")
        let r = try CLI.run(["evaluate", Self.model, CLI.sample("eval"), "--compare", bf16, "--atol", "1e-6", "--json"])
        #expect(r.status == 1)
        let c = try #require(r.json?["compare"], "the report is printed even when the comparison fails: \(r.stdout)")
        let diff = try #require(c["max_abs_logit_diff"]?.doubleValue)
        #expect(diff > 1e-3 && diff < 0.2, "bf16 weights move the logits by ~1e-2: \(diff)")
        #expect(c["passed"] == .bool(false) && c["atol"]?.doubleValue == 1e-6)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("\(bf16) vs \(Self.model): 0 of 15 predictions differ; max |Δ logit| ")
                && lines[0].hasSuffix(" > atol 1e-06"), "\(r.stderr)")
        let loose = try CLI.run(["evaluate", Self.model, CLI.sample("eval"), "--compare", bf16, "--atol", "0.2"])
        #expect(loose.status == 0 && loose.stderr.isEmpty, "\(loose.stderr)")
        let nan = try CLI.run(["evaluate", Self.model, CLI.sample("eval"), "--compare", bf16, "--atol=nan"])
        #expect(nan.status != 0 && nan.stderr.contains("--atol must be a finite number >= 0"))
    }

    /// Per image, the prediction a standalone run makes: the true label unless `--errors` lists it.
    static func standalonePredictions(_ checkpoint: String, dir: URL) throws -> [String: String] {
        let errors = dir.appendingPathComponent(UUID().uuidString + ".csv").path
        let r = try CLI.run(["evaluate", checkpoint, CLI.sample("eval.csv"), "--errors", errors])
        #expect(r.status == 0, "\(r.stderr)")
        var out: [String: String] = [:]
        for line in try String(contentsOfFile: CLI.sample("eval.csv"), encoding: .utf8).split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",").map(String.init)
            out[CLI.sample(f[0])] = f[1]
        }
        for line in try String(contentsOfFile: errors, encoding: .utf8).split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",").map(String.init)
            out[f[0]] = f[2]
        }
        return out
    }

    @Test func differentPreprocessingIsHandledAndDifferencesListed() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Same weights, another normalisation: each image is preprocessed once per model.
        let other = try Self.copy(into: dir, preprocessor: {
            $0.replacingOccurrences(of: "\"image_mean\": [\n    0.5,\n    0.5,\n    0.5\n  ]", with: "\"image_mean\": [0.9, 0.1, 0.2]")
        })
        #expect(try String(contentsOfFile: other + "/preprocessor_config.json", encoding: .utf8).contains("0.9, 0.1, 0.2"))
        let r = try CLI.run(["evaluate", Self.model, CLI.sample("eval.csv"), "--compare", other, "--json"])
        #expect(r.status == 1)
        let c = try #require(r.json?["compare"], "\(r.stdout)")
        let mine = try Self.standalonePredictions(Self.model, dir: dir), theirs = try Self.standalonePredictions(other, dir: dir)
        let expected = mine.keys.filter { mine[$0] != theirs[$0] }.sorted()
        #expect(!expected.isEmpty, "the normalisation must change some prediction for this test to mean anything")
        let listed = try #require(c["differences"]?.arrayValue)
        #expect(listed.compactMap { $0["path"]?.stringValue }.sorted() == expected)
        for d in listed {
            let path = d["path"]!.stringValue!
            #expect(d["prediction"]?.stringValue == mine[path] && d["other_prediction"]?.stringValue == theirs[path])
        }
        #expect(c["differing_predictions"]?.intValue == expected.count)
        let alone = try CLI.run(["evaluate", other, CLI.sample("eval.csv"), "--json"])
        for key in ["accuracy", "top_k_accuracy", "f1_macro", "confusion_matrix", "per_class"] {
            #expect(c["other"]?[key] == alone.json?[key], "\(key)")
        }
        #expect(r.stderr.contains(": \(expected.count) of 15 predictions differ;"), "\(r.stderr)")
    }

    @Test func otherLabelsOrNoClassifierAreRefusedBeforeRunning() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let renamed = try Self.copy(into: dir, config: { $0.replacingOccurrences(of: "\"3\": \"rocket\"", with: "\"3\": \"satellite\"") })
        let r = try CLI.run(["evaluate", Self.model, CLI.sample("eval"), "--compare", renamed])
        #expect(r.status == 1 && r.stdout.isEmpty)
        #expect(r.stderr.contains("Error: \(renamed): cannot be compared with \(Self.model): its label 3 is 'satellite', the other's 'rocket'"),
                "\(r.stderr)")
        let noHead = try CLI.run(["evaluate", Self.model, CLI.sample("eval"), "--compare", CLI.sample("models/hf-in21k")])
        #expect(noHead.status == 1 && noHead.stderr.contains("hf-in21k has no classifier"), "\(noHead.stderr)")
    }
}
