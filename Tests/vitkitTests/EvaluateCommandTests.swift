import Foundation
import Testing
import Tensors

/// `vitkit evaluate` end to end on the committed labelled samples.
@Suite("vitkit evaluate")
struct EvaluateCommandTests {
    static let model = CLI.sample("models/hf-classifier")
    static let metricKeys = ["accuracy", "top_k_accuracy", "precision_macro", "recall_macro", "f1_macro",
                             "precision_weighted", "recall_weighted", "f1_weighted"]

    static func expected() throws -> JSON {
        try JSON.parse([UInt8](Data(contentsOf: URL(fileURLWithPath: CLI.sample("expected/evaluation.json")))))
    }

    /// vitkit's own forward pass agrees with transformers to ~1e-6; every recorded top-2 margin
    /// is far above that (the generator prints the smallest, ~0.1), so predictions must match.
    @Test(arguments: ["eval", "eval.csv", "eval.jsonl"])
    func metricsEqualScikitLearnOnTransformersPredictions(data: String) throws {
        let e = try Self.expected()
        let margins = try #require(e["images"]?.arrayValue).map { $0["top2_margin"]!.doubleValue! }
        #expect(margins.min()! > 1e-3, "a prediction could flip: compare only where the margin is clear")
        let r = try CLI.run(["evaluate", Self.model, CLI.sample(data), "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let got = try #require(r.json, "\(r.stdout)")
        #expect(got["images"]?.intValue == 15 && got["errors"]?.intValue == 0 && got["k"]?.intValue == 5)
        for key in Self.metricKeys {
            let want = key == "top_k_accuracy" ? e["top_k_accuracy"]?["5"]?.doubleValue : e[key]?.doubleValue
            let value = try #require(got[key]?.doubleValue, "\(key)")
            #expect(abs(value - want!) <= 1e-12, "\(key): \(value) vs scikit-learn \(want!)")
        }
        #expect(got["confusion_matrix"] == e["confusion_matrix"])
        let names = ["tabby", "astronaut", "coffee", "rocket", "camera"]
        #expect(got["labels"]?.arrayValue?.compactMap(\.stringValue) == e["labels"]?.arrayValue?.map { names[$0.intValue!] })
        let perClass = try #require(got["per_class"]?.arrayValue)
        for (row, want) in zip(perClass, e["per_class"]!.arrayValue!) {
            #expect(row["label"] == want["label"] && row["id"] == want["id"] && row["support"] == want["support"])
            for key in ["precision", "recall", "f1"] { #expect(abs(row[key]!.doubleValue! - want[key]!.doubleValue!) <= 1e-12) }
        }
        #expect(Set(got.objectValue!.map(\.0)) == Set(Self.metricKeys + ["images", "k", "per_class", "labels", "confusion_matrix",
                                                                        "errors", "seconds", "images_per_second"]))
    }

    /// `--batch` far beyond the 15 images: room for a billion images was reserved up front
    /// (abort: "failed to allocate 49152000000032 bytes"), and 2^62 overflowed (trap).
    @Test(arguments: ["1000000000", "4611686018427387904"])
    func aBatchFarBeyondTheImagesRunsThemAll(batch: String) throws {
        let r = try CLI.run(["evaluate", Self.model, CLI.sample("eval"), "--json", "--batch", batch])
        #expect(r.status == 0, "\(r.stderr.prefix(300))")
        let e = try Self.expected()
        #expect(r.json?["images"]?.intValue == 15 && r.json?["accuracy"] == e["accuracy"], "\(r.stdout.prefix(300))")
        #expect(r.json?["confusion_matrix"] == e["confusion_matrix"])
    }

    @Test func topKIsAskedAndCapped() throws {
        let e = try Self.expected()
        let two = try CLI.run(["evaluate", Self.model, CLI.sample("eval"), "--json", "--top-k", "2"])
        #expect(two.json?["top_k_accuracy"]?.doubleValue == e["top_k_accuracy"]?["2"]?.doubleValue)
        let capped = try CLI.run(["evaluate", Self.model, CLI.sample("eval"), "--json", "--top-k", "50"])
        #expect(capped.json?["k"]?.intValue == 5 && capped.json?["top_k_accuracy"]?.doubleValue == 1)
        let zero = try CLI.run(["evaluate", Self.model, CLI.sample("eval"), "--top-k", "0"])
        #expect(zero.status != 0 && zero.stderr.contains("--top-k must be a positive integer"))
    }

    @Test func textOutputHasHeadlinePerClassTableAndConfusionMatrix() throws {
        let r = try CLI.run(["evaluate", Self.model, CLI.sample("eval"), "--batch", "4"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("accuracy        0.1333"))
        #expect(r.stdout.contains("top-5 accuracy  1.0000"))
        #expect(r.stdout.contains("id  label      precision  recall      f1  support"))
        #expect(r.stdout.contains("confusion matrix (rows: true, columns: predicted)"))
        #expect(r.stdout.contains("0 tabby      1  0  2  0  1"))
        #expect(r.stderr.isEmpty, "no progress line when stderr is not a terminal: \(r.stderr)")
    }

    @Test func unknownLabelsAndNoClassifierAreClearErrors() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let manifest = dir.appendingPathComponent("m.csv").path
        try "path,label\n\(CLI.sample("eval/tabby/chelsea-crop.png")),dog\n\(CLI.sample("eval/coffee/coffee.png")),COFFEE\n"
            .write(toFile: manifest, atomically: true, encoding: .utf8)
        let r = try CLI.run(["evaluate", Self.model, manifest])
        #expect(r.status == 1)
        #expect(r.stderr.contains("\(manifest): label 'dog' matches none of the model's 5 labels ('tabby', 'astronaut', 'coffee', 'rocket', 'camera')"), "\(r.stderr)")
        let noHead = try CLI.run(["evaluate", CLI.sample("models/hf-in21k"), CLI.sample("eval")])
        #expect(noHead.status == 1 && noHead.stderr.contains("has no classifier"), "\(noHead.stderr)")
        // Case-insensitive matching works, with a note.
        try "path,label\n\(CLI.sample("eval/coffee/coffee.png")),COFFEE\n".write(toFile: manifest, atomically: true, encoding: .utf8)
        let folded = try CLI.run(["evaluate", Self.model, manifest, "--json"])
        #expect(folded.status == 0 && folded.stderr.contains("note: label 'COFFEE' -> 'coffee' (id 2), matched case-insensitively"), "\(folded.stderr)")
        let bad = dir.appendingPathComponent("bad.jsonl").path
        try "{\"path\": \"a.png\", \"label\": 0}\n{\"path\": 3, \"label\": 0}\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let badLine = try CLI.run(["evaluate", Self.model, bad])
        #expect(badLine.status == 1 && badLine.stderr.contains("\(bad):2: \"path\" must be a non-empty string"), "\(badLine.stderr)")
    }

    @Test func undecodableImageIsCountedAndSkippedUnlessStrict() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let broken = dir.appendingPathComponent("broken.png").path
        try Data("not a png at all".utf8).write(to: URL(fileURLWithPath: broken))
        let manifest = dir.appendingPathComponent("m.jsonl").path
        let lines = try String(contentsOfFile: CLI.sample("eval.jsonl"), encoding: .utf8)
            .replacingOccurrences(of: "\"eval/", with: "\"" + CLI.sample("eval") + "/")
        try (lines + "{\"path\": \"broken.png\", \"label\": \"rocket\"}\n").write(toFile: manifest, atomically: true, encoding: .utf8)
        let r = try CLI.run(["evaluate", Self.model, manifest, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.json?["errors"]?.intValue == 1 && r.json?["images"]?.intValue == 15)
        #expect(r.json?["accuracy"] == (try Self.expected())["accuracy"])
        #expect(r.stderr.contains("skipped: \(broken): not a PNG or JPEG image"), "\(r.stderr)")
        let strict = try CLI.run(["evaluate", Self.model, manifest, "--strict"])
        #expect(strict.status == 1 && strict.stderr.contains("\(broken): not a PNG or JPEG image") && strict.stdout.isEmpty)
    }

    @Test func errorsFileListsTheMisclassifiedThroughTheWriteGuard() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("errors.csv").path
        let r = try CLI.run(["evaluate", Self.model, CLI.sample("eval"), "--errors", out])
        #expect(r.status == 0, "\(r.stderr)")
        let names = ["tabby", "astronaut", "coffee", "rocket", "camera"]
        let wrong = try #require(Self.expected()["images"]?.arrayValue).filter { $0["true_id"] != $0["predicted_id"] }
        let rows = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(rows.first == "path,true_label,predicted_label,probability")
        #expect(rows.count == wrong.count + 1)
        for (row, w) in zip(rows.dropFirst(), wrong) {
            let f = row.split(separator: ",").map(String.init)
            #expect(f[0] == CLI.sample(w["path"]!.stringValue!))
            #expect(f[1] == names[w["true_id"]!.intValue!] && f[2] == names[w["predicted_id"]!.intValue!])
            let p = try #require(Double(f[3]))
            #expect(p > 0.2 && p < 1)
        }
        let again = try CLI.run(["evaluate", Self.model, CLI.sample("eval"), "--errors", out])
        #expect(again.status == 1 && again.stderr.contains("--force"), "\(again.stderr)")
        #expect(try CLI.run(["evaluate", Self.model, CLI.sample("eval"), "--errors", out, "--force"]).status == 0)
        // Never over an input, whatever --force says.
        let image = CLI.sample("eval/tabby/chelsea-crop.png")
        let before = try Data(contentsOf: URL(fileURLWithPath: image))
        let over = try CLI.run(["evaluate", Self.model, CLI.sample("eval"), "--errors", image, "--force"])
        #expect(over.status == 1 && over.stderr.contains("refusing to write over"), "\(over.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: image)) == before)
    }
}
