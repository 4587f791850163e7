import Foundation
import Testing
import Tensors

/// A directory holding several weights files: vitkit says which it read, and `--format` or the
/// file's path picks another.
@Suite("vitkit directory with several weights files")
struct DirectoryChoiceTests {
    /// hf-classifier's model.safetensors beside tf-classifier's tf_model.h5 and config.json.
    static func bothFormats() throws -> String {
        let dir = try CLI.tempDir()
        for file in ["hf-classifier/model.safetensors", "tf-classifier/tf_model.h5", "tf-classifier/config.json"] {
            try FileManager.default.copyItem(atPath: CLI.sample("models/" + file),
                                             toPath: dir.appendingPathComponent((file as NSString).lastPathComponent).path)
        }
        return dir.path
    }

    @Test func theSafetensorsFileIsReadAndTheChoiceIsNoted() throws {
        let dir = try Self.bothFormats()
        let r = try CLI.run(["inspect", dir])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr == "note: \(dir) holds model.safetensors and tf_model.h5; read model.safetensors (choose with --format h5 or give the file's path)\n")
        #expect(r.stdout.hasPrefix("scheme: hf "))

        let json = try #require(try CLI.run(["inspect", dir, "--json"]).json)
        #expect(json["weights_path"]?.stringValue == dir + "/model.safetensors")
        #expect(json["other_weights"] == .array([.string(dir + "/tf_model.h5")]))
        #expect(json["format"]?.stringValue == "safetensors")
    }

    @Test func formatH5ReadsTheOtherFile() throws {
        let dir = try Self.bothFormats()
        let r = try CLI.run(["inspect", dir, "--format", "h5", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr == "note: \(dir) holds tf_model.h5 and model.safetensors; read tf_model.h5 (choose with --format safetensors or give the file's path)\n")
        #expect(r.json?["weights_path"]?.stringValue == dir + "/tf_model.h5")
        #expect(r.json?["format"]?.stringValue == "keras-h5")
        #expect(r.json?["scheme"]?.stringValue == "tf")

        // Both hold the same weights: predictions through either agree exactly.
        let viaH5 = try CLI.run(["predict", dir, CLI.sample("images/chelsea.png"), "--format", "h5", "--json"])
        let viaSafetensors = try CLI.run(["predict", dir, CLI.sample("images/chelsea.png"), "--json"])
        #expect(viaH5.status == 0 && viaSafetensors.status == 0)
        #expect(viaH5.json?["results"] != nil && viaH5.json?["results"] == viaSafetensors.json?["results"])
    }

    @Test func theFilesPathReadsItWithoutANote() throws {
        let dir = try Self.bothFormats()
        let r = try CLI.run(["inspect", dir + "/tf_model.h5"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("scheme: tf "))
    }

    @Test func aFormatTheDirectoryOrFileDoesNotHoldIsRefused() throws {
        let dir = try Self.bothFormats()
        let none = try CLI.run(["inspect", dir, "--format", "npz"])
        #expect(none.status != 0)
        #expect(none.stderr == "Error: \(dir): directory holds no npz weights (it holds model.safetensors, tf_model.h5)\n")
        let wrong = try CLI.run(["predict", dir + "/tf_model.h5", CLI.sample("images/chelsea.png"), "--format", "safetensors"])
        #expect(wrong.status != 0)
        #expect(wrong.stderr == "Error: \(dir)/tf_model.h5: holds h5, not the safetensors asked for\n")
        let bad = try CLI.run(["inspect", dir, "--format", "pickle"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--format"), "\(bad.stderr)")
    }

    @Test(arguments: ["models/hf-sharded", "h5/tf-classifier-sharded", "models/hf-classifier"])
    func shardsAndSingleFilesNeedNoNote(path: String) throws {
        let r = try CLI.run(["inspect", CLI.sample(path), "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty, "\(r.stderr)")
        #expect(r.json?["other_weights"] == .array([]))
    }
}
