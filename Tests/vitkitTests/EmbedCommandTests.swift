import Foundation
import NumPy
import Tensors
import Testing

/// `vitkit embed` end to end: outputs against what transformers recorded for the samples
/// (`samples/expected/expectations/*.json`: `pooler_output`, `cls`, `mean_token`).
@Suite("vitkit embed")
struct EmbedCommandTests {
    static let atol: Float = 1e-5

    /// The recorded images (absolute paths) and their outputs by name.
    static func expected(_ name: String) throws -> [(path: String, outputs: [String: [Float]])] {
        let file = CLI.sample("expected/expectations/\(name).json")
        let json = try JSON.parse([UInt8](Data(contentsOf: URL(fileURLWithPath: file))))
        let dir = URL(fileURLWithPath: file).deletingLastPathComponent()
        return try #require(json["images"]?.arrayValue).map { image in
            var outputs: [String: [Float]] = [:]
            for key in ["pooler_output", "cls", "mean_token"] {
                outputs[key] = image[key]?.arrayValue?.map { Float($0.doubleValue!) }
            }
            return (dir.appendingPathComponent(image["path"]!.stringValue!).standardized.path, outputs)
        }
    }

    static func readNPY(_ path: String) throws -> (shape: [Int], dtype: DType, rows: [[Float]]) {
        let file = try NPYFile(path: path)
        let info = file.tensors[0]
        let values = try file.tensor(named: info.name).floats()
        let d = info.shape.last ?? 0
        return (info.shape, info.dtype, stride(from: 0, to: values.count, by: max(d, 1)).map { Array(values[$0..<($0 + d)]) })
    }

    static func json(_ path: String) throws -> JSON {
        try JSON.parse([UInt8](Data(contentsOf: URL(fileURLWithPath: path))))
    }

    /// The default output: the pooler of the in21k model, the CLS state of the classifier.
    @Test(arguments: [("hf-in21k", "pooler_output", "pooler"), ("hf-classifier", "cls", "cls")])
    func defaultOutputEqualsTransformers(model: String, key: String, kind: String) throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let images = try Self.expected(model)
        let out = dir.appendingPathComponent("emb.npy").path
        let r = try CLI.run(["embed", CLI.sample("models/\(model)")] + images.map(\.path) + ["-o", out, "--batch", "3"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.hasPrefix("embedding: \(kind) ("), "\(r.stderr)")
        #expect(r.stderr.contains(kind == "pooler" ? "the default: the checkpoint has a pooler" : "the default: the checkpoint has no pooler"))
        #expect(r.stdout == "wrote 7 x 48 \(kind) embeddings to \(out) (paths in \(out).paths.json)\n")
        let npy = try Self.readNPY(out)
        #expect(npy.shape == [7, 48] && npy.dtype == .f32)
        for (row, image) in zip(npy.rows, images) {
            let diff = maxAbsDiff(row, image.outputs[key]!)
            #expect(diff <= Self.atol, "\(image.path): max |diff| \(diff)")
        }
        let sidecar = try Self.json(out + ".paths.json")
        #expect(sidecar["paths"]?.arrayValue?.compactMap(\.stringValue) == images.map(\.path))
        #expect(sidecar["output"]?.stringValue == kind && sidecar["normalized"]?.boolValue == false)
        #expect(CLI.temporaries(in: dir.path).isEmpty)
    }

    @Test(arguments: [("hf-in21k", "cls"), ("hf-in21k", "mean"), ("hf-classifier", "mean"), ("hf-in21k", "pooler")])
    func jsonLinesOfEachOutputEqualTransformers(model: String, kind: String) throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let images = try Self.expected(model)
        let key = ["cls": "cls", "mean": "mean_token", "pooler": "pooler_output"][kind]!
        let out = dir.appendingPathComponent("emb.jsonl").path
        let r = try CLI.run(["embed", CLI.sample("models/\(model)")] + images.map(\.path) + ["-o", out, "--output", kind])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stderr.contains("default"), "asked for, so not the default: \(r.stderr)")
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == images.count)
        for (line, image) in zip(lines, images) {
            let json = try JSON.parse(Array(line.utf8))
            #expect(json["path"]?.stringValue == image.path)
            let row = try #require(json["embedding"]?.arrayValue).map { Float($0.doubleValue!) }
            #expect(maxAbsDiff(row, image.outputs[key]!) <= Self.atol, "\(kind) \(image.path)")
        }
        #expect(!FileManager.default.fileExists(atPath: out + ".paths.json"), "JSON lines carry their paths")
    }

    @Test func normalizedRowsHaveUnitNorm() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let images = try Self.expected("hf-in21k")
        let out = dir.appendingPathComponent("unit.npy").path
        let r = try CLI.run(["embed", CLI.sample("models/hf-in21k"), CLI.sample("images"), "-o", out, "--normalize", "--output", "mean"])
        #expect(r.status == 0 && r.stderr.contains("L2-normalized"), "\(r.stderr)")
        let npy = try Self.readNPY(out)
        let paths = try #require(Self.json(out + ".paths.json")["paths"]?.arrayValue).compactMap(\.stringValue)
        #expect(try Self.json(out + ".paths.json")["normalized"]?.boolValue == true)
        for (row, path) in zip(npy.rows, paths) {
            let norm = row.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            #expect(abs(norm - 1) <= 1e-6, "\(path): norm \(norm)")
            let want = try #require(images.first { $0.path == path }?.outputs["mean_token"])
            let n = Float(want.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot())
            #expect(maxAbsDiff(row, want.map { $0 / n }) <= Self.atol)
        }
    }

    /// A directory argument is walked (recursively, sorted by name bytes, PNG/JPEG only)
    /// and mixed with files in argument order.
    @Test func directoriesAreWalked() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fm = FileManager.default
        let tree = dir.appendingPathComponent("tree").path
        try fm.createDirectory(atPath: tree + "/sub/deeper", withIntermediateDirectories: true)
        try fm.copyItem(atPath: CLI.sample("images/chelsea.png"), toPath: tree + "/b.png")
        try fm.copyItem(atPath: CLI.sample("images/astronaut.jpg"), toPath: tree + "/sub/deeper/A.JPG")
        try fm.copyItem(atPath: CLI.sample("images/camera.png"), toPath: tree + "/sub/c.png")
        try fm.copyItem(atPath: CLI.sample("images/LICENSE.md"), toPath: tree + "/sub/LICENSE.md")
        try fm.copyItem(atPath: CLI.sample("images/coffee-rgba.png"), toPath: tree + "/.hidden.png")
        let out = dir.appendingPathComponent("e.npy").path
        let extra = CLI.sample("images/rocket-palette.png")
        let r = try CLI.run(["embed", CLI.sample("models/hf-classifier"), extra, tree, "-o", out, "--batch", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        let paths = try #require(Self.json(out + ".paths.json")["paths"]?.arrayValue).compactMap(\.stringValue)
        #expect(paths == [extra, tree + "/b.png", tree + "/sub/c.png", tree + "/sub/deeper/A.JPG"])
        let want = try Self.expected("hf-classifier")
        let rows = try Self.readNPY(out).rows
        for (row, name) in zip(rows, ["rocket-palette.png", "chelsea.png", "camera.png", "astronaut.jpg"]) {
            let cls = try #require(want.first { $0.path.hasSuffix("/" + name) }?.outputs["cls"])
            #expect(maxAbsDiff(row, cls) <= Self.atol, "\(name)")
        }
    }

    /// Each bad input is one line on stderr, exit status 1, and nothing written.
    @Test func badInputsAreOneLineErrorsAndWriteNothing() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let d = dir.path, fm = FileManager.default
        let classifier = CLI.sample("models/hf-classifier"), image = CLI.sample("images/chelsea.png")
        try fm.createDirectory(atPath: d + "/empty/sub", withIntermediateDirectories: true)
        try "not an image".write(toFile: d + "/broken.png", atomically: true, encoding: .utf8)
        // Images whose names are what an output would be called (the decoder reads the bytes).
        try fm.copyItem(atPath: image, toPath: d + "/cat.jsonl")
        try fm.copyItem(atPath: image, toPath: d + "/x.npy.paths.json")
        try Data([1]).write(to: URL(fileURLWithPath: d + "/exists.npy"))
        let cases: [(args: [String], message: String)] = [
            ([classifier, image, "-o", d + "/o.npy", "--output", "pooler"],
             "Error: \(classifier) has no pooler (the tanh(dense(cls)) layer of in21k ViTModels): embed the cls state or the token mean instead (--output cls or --output mean)"),
            ([classifier, d + "/empty", "-o", d + "/o.npy"],
             "Error: no PNG or JPEG images (.png, .jpg, .jpeg) found in '\(d)/empty' (directories are searched recursively; hidden entries are skipped)"),
            ([classifier, d + "/missing.png", "-o", d + "/o.npy"], "Error: \(d)/missing.png: no such file or directory"),
            ([classifier, image, d + "/broken.png", "-o", d + "/o.npy", "--batch", "1"], "Error: \(d)/broken.png: not a PNG or JPEG image"),
            ([classifier, d + "/cat.jsonl", "-o", d + "/cat.jsonl", "--force"],
             "Error: \(d)/cat.jsonl: refusing to write over an input of this run (it is one of the source files being read)"),
            ([classifier, d + "/x.npy.paths.json", "-o", d + "/x.npy", "--force"],
             "Error: \(d)/x.npy.paths.json: refusing to write over an input of this run (it is one of the source files being read)"),
            ([classifier, image, "-o", d + "/exists.npy"], "Error: \(d)/exists.npy already exists (pass --force to replace it)"),
            ([classifier, image, "-o", d + "/o.json"],
             "Error: \(d)/o.json: the output must end in .npy (float32 [n, dim] + .paths.json sidecar) or .jsonl (JSON lines)"),
            ([classifier, image, "-o", d + "/no/such/dir.npy"], "Error: \(d)/no/such/dir.npy: directory \(d)/no/such does not exist"),
        ]
        let before = try fm.contentsOfDirectory(atPath: d).sorted()
        for c in cases {
            let r = try CLI.run(["embed"] + c.args)
            #expect(r.status == 1, "\(c.args): \(r.stderr)")
            let errors = r.stderr.split(separator: "\n").filter { !$0.hasPrefix("embedding: ") && !$0.hasPrefix("note: ") }
            #expect(errors == [Substring(c.message)], "\(c.args): \(r.stderr)")
            #expect(r.stdout.isEmpty)
            #expect(try fm.contentsOfDirectory(atPath: d).sorted() == before, "\(c.args) left files behind")
        }
        let zero = try CLI.run(["embed", classifier, image, "-o", d + "/o.npy", "--batch", "0"])
        #expect(zero.status != 0 && zero.stderr.contains("--batch must be a positive integer, got 0"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: d + "/exists.npy")) == Data([1]))
    }

    @Test func forceReplacesAnEarlierOutput() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("e.npy").path
        let model = CLI.sample("models/hf-in21k")
        #expect(try CLI.run(["embed", model, CLI.sample("images/chelsea.png"), "-o", out]).status == 0)
        let again = try CLI.run(["embed", model, CLI.sample("images"), "-o", out, "--force"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try Self.readNPY(out).shape == [7, 48])
        #expect(try Self.json(out + ".paths.json")["paths"]?.arrayValue?.count == 7)
        #expect(CLI.temporaries(in: dir.path).isEmpty)
    }
}

/// Largest absolute difference between two equally long arrays (infinity if lengths differ).
private func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

extension EmbedCommandTests {
    /// A file name with a newline and a byte that is not UTF-8, found by walking a directory:
    /// the sidecar and the JSON lines keep it (`\n`, and `\udcff` as Python's surrogateescape).
    @Test func namesWithNewlinesAndNonUTF8BytesSurvive() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let d = dir.path, model = CLI.sample("models/hf-classifier"), image = CLI.sample("images/chelsea.png")
        let r = try CLI.shell("""
            set -e; mkdir '\(d)/imgs'; cp '\(image)' "$(printf '\(d)/imgs/a\\377b\\nc.png')"
            "$VITKIT" embed '\(model)' '\(d)/imgs' -o '\(d)/e.npy'
            "$VITKIT" embed '\(model)' '\(d)/imgs' -o '\(d)/e.jsonl'
            """)
        #expect(r.status == 0, "\(r.stderr)")
        let sidecar = try String(decoding: Data(contentsOf: URL(fileURLWithPath: d + "/e.npy.paths.json")), as: UTF8.self)
        #expect(sidecar.contains("\"\(d)/imgs/a\\udcffb\\nc.png\""), "\(sidecar)")
        let line = try String(decoding: Data(contentsOf: URL(fileURLWithPath: d + "/e.jsonl")), as: UTF8.self)
        #expect(line.hasPrefix("{\"path\":\"\(d)/imgs/a\\udcffb\\nc.png\",\"embedding\":["), "\(line)")
    }
}
