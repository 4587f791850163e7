import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Destinations and directories that earlier guards let through (the safety6 audit):
/// system directories, names no file system takes, two outputs of one run on one file, the
/// plot's font, milvus-lite's data directory.
extension WriteSafetyTests {
    var eval: String { CLI.sample("eval") }

    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    /// `-o /dev/stdout --force` used to rename a regular file over the system's
    /// `/dev/stdout` link; here a fresh name in /dev shows the same hole without harm.
    @Test func nothingIsWrittenInDev() throws {
        let name = "/dev/vitkit-audit-\(getpid())-\(UUID().uuidString.prefix(8))"
        defer { unlink(name + ".safetensors"); unlink(name + "/chelsea.png.npy"); rmdir(name) }
        let r = try CLI.run(["convert", model, name + ".safetensors", "--to", "native", "--force"])
        #expect(r.status == 1 && r.stderr.contains("is in /dev, where the system's device and kernel files live"), "\(r.stderr)")
        #expect(access(name + ".safetensors", F_OK) != 0)
        let pixels = try CLI.run(["predict", model, image, "--save-pixels", name])
        #expect(pixels.status == 1 && pixels.stderr.contains("is in /dev"), "\(pixels.stderr)")
        #expect(access(name, F_OK) != 0, "the directory --save-pixels created in /dev is left")
        #expect(CLI.temporaries(in: "/dev").isEmpty)
    }

    @Test func anEmptyOrOverlongNameIsRefusedBeforeAnyWork() throws {
        let dir = try CLI.tempDir()
        let empty = try CLI.run(["convert", model, "", "--to", "native"])
        #expect(empty.status == 1 && empty.stderr == "Error: \"\": the output path is empty\n", "\(empty.stderr)")
        let long = dir.appendingPathComponent(String(repeating: "a", count: 256)).path
        let r = try CLI.run(["convert", model, long, "--to", "native"])
        #expect(r.status == 1 && r.stderr.contains("file name is 256 bytes long, more than the 255"), "\(r.stderr)")
        #expect(!r.stderr.contains("rename failed"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    /// `--to hf --force` over a regular file deleted it (the guard refused only the
    /// other way round: a directory where a file goes); a link is replaced, its target kept.
    @Test func aDirectoryOutputNeverReplacesAFile() throws {
        let dir = try CLI.tempDir()
        let notes = dir.appendingPathComponent("notes").path
        try Data("only copy".utf8).write(to: URL(fileURLWithPath: notes))
        for to in ["hf", "tf", "keras"] {
            let r = try CLI.run(["convert", model, notes, "--to", to, "--force"])
            #expect(r.status == 1 && r.stderr.contains("is a regular file; the output is a directory"), "\(to): \(r.stderr)")
            #expect(try bytes(notes) == Data("only copy".utf8))
        }
        let link = dir.appendingPathComponent("link").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: notes)
        let r = try CLI.run(["convert", model, link, "--to", "hf", "--force"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try bytes(notes) == Data("only copy".utf8))
        #expect(CLI.temporaries(in: dir.path).isEmpty)
    }

    /// A Hugging Face cache snapshot (links into `blobs/`) read through one of its links:
    /// `--force` used to replace the snapshot directory, the links the user read through.
    @Test func aSnapshotOfLinksReadThroughIsAnInput() throws {
        let dir = try CLI.tempDir()
        let blobs = dir.appendingPathComponent("blobs"), snapshot = dir.appendingPathComponent("snapshot")
        try FileManager.default.copyItem(atPath: model, toPath: blobs.path)
        try FileManager.default.createDirectory(at: snapshot, withIntermediateDirectories: true)
        for name in ["config.json", "model.safetensors", "preprocessor_config.json"] {
            try FileManager.default.createSymbolicLink(atPath: snapshot.appendingPathComponent(name).path, withDestinationPath: "../blobs/" + name)
        }
        let r = try CLI.run(["convert", snapshot.appendingPathComponent("model.safetensors").path, snapshot.path, "--to", "hf", "--force", "--dtype", "f16"])
        #expect(r.status == 1 && r.stderr.contains("refusing to write over an input of this run"), "\(r.stderr)")
        let kind = try FileManager.default.attributesOfItem(atPath: snapshot.appendingPathComponent("model.safetensors").path)[.type] as? FileAttributeType
        #expect(kind == .typeSymbolicLink)
    }

    /// `--errors X --plot X --force` wrote the CSV, then the PNG over it; without --force
    /// the CSV was written and the run then failed on it.
    @Test func twoOutputsOfOneRunMayNotBeOneFile() throws {
        let dir = try CLI.tempDir()
        let csv = dir.appendingPathComponent("out.csv").path
        let r = try CLI.run(["evaluate", model, eval, "--errors", csv, "--plot", dir.path + "/./out.csv"])
        #expect(r.status == 1 && r.stderr.contains("is also where \(csv) goes"), "\(r.stderr)")
        #expect(access(csv, F_OK) != 0, "a refused run left its first output")
        try Data("mine\n".utf8).write(to: URL(fileURLWithPath: csv))
        let forced = try CLI.run(["evaluate", model, eval, "--errors", csv, "--plot", csv, "--force"])
        #expect(forced.status == 1 && forced.stderr.contains("is also where"), "\(forced.stderr)")
        #expect(try bytes(csv) == Data("mine\n".utf8))
    }

    /// The font `--plot` reads is an input: neither --plot nor --errors may replace it.
    @Test func thePlotsFontIsNeverOverwritten() throws {
        let dir = try CLI.tempDir()
        let font = dir.appendingPathComponent("font.ttf").path
        try FileManager.default.copyItem(atPath: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", toPath: font)
        let original = try bytes(font)
        for extra in [["--plot", font], ["--errors", font, "--plot", dir.appendingPathComponent("cm.png").path]] {
            let r = try CLI.run(["evaluate", model, eval, "--font", font, "--force"] + extra)
            #expect(r.status == 1 && r.stderr.contains("refusing to write over an input of this run"), "\(extra): \(r.stderr)")
            #expect(try bytes(font) == original)
        }
    }

    /// A failed --save-pixels run leaves no directory of its own behind.
    @Test func savePixelsRemovesTheDirectoryItCreatedWhenItFails() throws {
        let dir = try CLI.tempDir()
        let other = dir.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: image, toPath: other.appendingPathComponent("chelsea.png").path)
        let pixels = dir.appendingPathComponent("pixels").path
        let r = try CLI.run(["predict", model, image, other.appendingPathComponent("chelsea.png").path, "--save-pixels", pixels])
        #expect(r.status == 1 && r.stderr.contains("would both be saved as"), "\(r.stderr)")
        #expect(access(pixels, F_OK) != 0)
    }

    /// milvus-lite writes LOCK, databases/, collections/ into its data directory: never a
    /// file, the checkpoint's or the images' directory, or a directory of the user's files.
    /// Each refusal comes before milvus-lite is looked for (PATH holds none here).
    @Test func milvusLiteDataDirectoryIsItsOwn() throws {
        let dir = try CLI.tempDir()
        let checkpoint = dir.appendingPathComponent("ckpt").path
        try FileManager.default.copyItem(atPath: CLI.sample("models/hf-in21k"), toPath: checkpoint)
        let weights = checkpoint + "/model.safetensors"
        let before = try bytes(weights)
        let user = dir.appendingPathComponent("user").path
        try FileManager.default.createDirectory(atPath: user, withIntermediateDirectories: true)
        try Data("notes".utf8).write(to: URL(fileURLWithPath: user + "/notes.txt"))
        let cases: [(String, String)] = [
            (weights, "expected a directory for milvus-lite's data, found a regular file"),
            (checkpoint, "holds an input of this run"),
            (CLI.sample("images"), "holds an input of this run"),
            (user, "holds files milvus-lite did not write (notes.txt)"),
        ]
        for (dataDir, message) in cases {
            let r = try CLI.capture([CLI.binary.path, "index", checkpoint, image, "--collection", "c", "--data-dir", dataDir],
                                    environment: ["PATH": "/usr/bin:/bin", "HOME": dir.path])
            #expect(r.status == 1 && r.stderr.contains(message), "\(dataDir): \(r.stderr)")
        }
        #expect(try bytes(weights) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: checkpoint).sorted() == ["config.json", "model.safetensors", "preprocessor_config.json"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: user) == ["notes.txt"])
    }
}
