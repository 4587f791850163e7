import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Every writer refuses to destroy a user's file: issue 9, cases 1-3 and 14, run through the
/// real binary.
@Suite("writers never destroy a user's files")
struct WriteSafetyTests {
    let model = CLI.sample("models/hf-classifier")
    let image = CLI.sample("images/chelsea.png")

    func file(_ dir: URL, _ name: String, _ text: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func text(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    @Test func forceNeverFollowsALinkInsideTheDestination() throws {
        let dir = try CLI.tempDir()
        let victim = dir.appendingPathComponent("victim")
        try FileManager.default.createDirectory(at: victim, withIntermediateDirectories: true)
        let precious = try file(victim, "precious.txt", "only copy")
        let out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        // A link with a name vitkit writes: replaced (the link itself), never followed.
        try FileManager.default.createSymbolicLink(atPath: out.appendingPathComponent("model.safetensors").path, withDestinationPath: victim.path)
        let r = try CLI.run(["convert", model, out.path, "--to", "hf", "--force"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try text(precious) == "only copy")
        #expect(try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("model.safetensors").path)[.type] as? FileAttributeType == .typeRegular)
        #expect(CLI.temporaries(in: dir.path).isEmpty)
        // A link with any other name: the directory is not vitkit's, refused whole.
        try FileManager.default.createSymbolicLink(atPath: out.appendingPathComponent("data").path, withDestinationPath: victim.path)
        let refused = try CLI.run(["convert", model, out.path, "--to", "tf", "--force"])
        #expect(refused.status == 1 && refused.stderr.contains("does not write (data)"), "\(refused.stderr)")
        #expect(try text(precious) == "only copy")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("model.safetensors").path))
    }

    @Test func forceRefusesADirectoryWithTheUsersOtherFiles() throws {
        let dir = try CLI.tempDir()
        let out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let notes = try file(out, "notes.md", "mine")
        _ = try file(out, "config.json", "{}")
        let r = try CLI.run(["convert", model, out.path, "--to", "hf", "--force"])
        #expect(r.status == 1 && r.stderr.contains("notes.md"), "\(r.stderr)")
        #expect(try text(notes) == "mine")
        #expect(try text(out.appendingPathComponent("config.json").path) == "{}")
        // Only files vitkit writes: replaced as a whole.
        try FileManager.default.removeItem(atPath: notes)
        let replaced = try CLI.run(["convert", model, out.path, "--to", "hf", "--force"])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(try CLI.run(["diff", model, out.path]).status == 0)
        #expect(CLI.temporaries(in: dir.path).isEmpty)
    }

    /// A device node we own (`mknod` as root, as CI runs), else the system's /dev/null.
    func deviceNode(in dir: URL) -> String {
        let path = dir.appendingPathComponent("null-device").path
        return mknod(path, S_IFCHR | 0o666, (1 << 8) | 3 /* makedev(1, 3): /dev/null's numbers */) == 0 ? path : "/dev/null"
    }

    func specialFiles(in dir: URL) throws -> [String] {
        let fifo = dir.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o644) == 0)
        return [fifo, deviceNode(in: dir)]
    }

    @Test func recordNeverWritesOverInputsOrSpecialFiles() throws {
        let dir = try CLI.tempDir()
        let ckpt = dir.appendingPathComponent("ckpt")
        try FileManager.default.copyItem(atPath: model, toPath: ckpt.path)
        let config = ckpt.appendingPathComponent("config.json").path
        let weights = ckpt.appendingPathComponent("model.safetensors").path
        let link = dir.appendingPathComponent("link.json").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: config)
        let before = try [config, weights, image].map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        for target in [config, weights, link, image] {
            let r = try CLI.run(["verify", ckpt.path, "--record", target, "--force", image], within: 60)
            #expect(r.status == 1 && r.stderr.contains("source"), "\(target): \(r.stderr)")
        }
        for special in try specialFiles(in: dir) {
            let kind = try #require(try FileManager.default.attributesOfItem(atPath: special)[.type] as? FileAttributeType)
            for force in [[], ["--force"]] {
                let r = try CLI.run(["verify", ckpt.path, "--record", special, image] + force, within: 60)
                #expect(r.status == 1 && r.stderr.contains("found a"), "\(special): \(r.stderr)")
                #expect(try FileManager.default.attributesOfItem(atPath: special)[.type] as? FileAttributeType == kind)
            }
            let c = try CLI.run(["convert", ckpt.path, special, "--to", "native", "--force"], within: 60)
            #expect(c.status == 1 && c.stderr.contains("found a"), "\(special): \(c.stderr)")
            #expect(try FileManager.default.attributesOfItem(atPath: special)[.type] as? FileAttributeType == kind)
        }
        #expect(try [config, weights, image].map { try Data(contentsOf: URL(fileURLWithPath: $0)) } == before)
        // An existing record is replaced only with --force.
        let rec = try file(dir, "rec.json", "old")
        let refused = try CLI.run(["verify", ckpt.path, "--record", rec, image])
        #expect(refused.status == 1 && refused.stderr.contains("--force"), "\(refused.stderr)")
        #expect(try text(rec) == "old")
        #expect(try CLI.run(["verify", ckpt.path, "--record", rec, "--force", image]).status == 0)
        #expect(try CLI.run(["verify", ckpt.path, "--expectations", rec]).status == 0)
        #expect(CLI.temporaries(in: dir.path).isEmpty && CLI.temporaries(in: ckpt.path).isEmpty)
    }

    @Test func savePixelsNeverOverwritesSilently() throws {
        let dir = try CLI.tempDir()
        for sub in ["a", "b"] {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent(sub), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: image, toPath: dir.appendingPathComponent("\(sub)/cat.png").path)
        }
        let px = dir.appendingPathComponent("px").path
        let clash = try CLI.run(["predict", model, dir.appendingPathComponent("a/cat.png").path, dir.appendingPathComponent("b/cat.png").path, "--save-pixels", px])
        #expect(clash.status == 1 && clash.stderr.contains("cat.png.npy"), "\(clash.stderr)")
        #expect(!FileManager.default.fileExists(atPath: px + "/cat.png.npy"))
        let first = try CLI.run(["predict", model, dir.appendingPathComponent("a/cat.png").path, "--save-pixels", px])
        #expect(first.status == 0, "\(first.stderr)")
        let again = try CLI.run(["predict", model, dir.appendingPathComponent("a/cat.png").path, "--save-pixels", px])
        #expect(again.status == 1 && again.stderr.contains("--force"), "\(again.stderr)")
        #expect(try CLI.run(["predict", model, dir.appendingPathComponent("a/cat.png").path, "--save-pixels", px, "--force"]).status == 0)
    }

    @Test func staleTemporariesOfDeadProcessesAreRemovedAndALostDirectoryRestored() throws {
        let dir = try CLI.tempDir()
        let dead = try CLI.deadPID()
        let staleFile = try file(dir, ".out.safetensors.vitkit-\(dead)-AbCdEf", "partial")
        let live = try file(dir, ".out.safetensors.vitkit-\(getpid())-AbCdEf", "still being written")
        let r = try CLI.run(["convert", model, dir.appendingPathComponent("out.safetensors").path, "--to", "native"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: staleFile))
        #expect(FileManager.default.fileExists(atPath: live))
        // A directory replaced without renameat2 whose process died between the two renames:
        // the destination is gone, its copy is `.NAME.vitkit-PID-XXXXXX.old`. It comes back.
        let old = dir.appendingPathComponent(".hf.vitkit-\(dead)-XyZxYz.old")
        try FileManager.default.copyItem(atPath: model, toPath: old.path)
        let refused = try CLI.run(["convert", model, dir.appendingPathComponent("hf").path, "--to", "hf"])
        #expect(refused.status == 1 && refused.stderr.contains("already exists"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: old.path))
        #expect(try CLI.run(["diff", model, dir.appendingPathComponent("hf").path]).status == 0)
    }

    @Test func aTrailingSlashNamesADirectory() throws {
        let dir = try CLI.tempDir()
        let out = dir.appendingPathComponent("out").path + "/"
        #expect(try CLI.run(["convert", model, out, "--to", "hf"]).status == 0)
        #expect(try CLI.run(["convert", model, out, "--to", "tf", "--force"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: out + "tf_model.h5"))
        let file = try CLI.run(["convert", model, dir.appendingPathComponent("x.safetensors").path + "/", "--to", "native"])
        #expect(file.status == 1 && file.stderr.contains("single file"), "\(file.stderr)")
        #expect(CLI.temporaries(in: dir.path).isEmpty)
    }

    @Test func namesThatAreNotUTF8AndNamesNearNameMax() throws {
        let dir = try CLI.tempDir()
        try FileManager.default.copyItem(atPath: model + "/model.safetensors", toPath: dir.appendingPathComponent("m.safetensors").path)
        let q = "'\(dir.path)'"
        let r = try CLI.shell("""
            cp \(q)/m.safetensors "\(dir.path)/$(printf 'w\\377')" && \
            "$VITKIT" convert "\(dir.path)/$(printf 'w\\377')" "\(dir.path)/$(printf 'out\\376.npz')" --to jax && \
            test -f "\(dir.path)/$(printf 'out\\376.npz')" && \
            "$VITKIT" inspect "\(dir.path)/$(printf 'out\\376.npz')" && \
            "$VITKIT" convert "\(dir.path)/$(printf 'w\\377')" "\(dir.path)/$(printf 'tf\\375')" --to tf > /dev/null && \
            "$VITKIT" diff "\(dir.path)/$(printf 'tf\\375')" "\(dir.path)/$(printf 'out\\376.npz')" > /dev/null
            """)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("out\\xfe.npz"), "\(r.stdout.prefix(300))")
        let long = String(repeating: "n", count: 255 - ".safetensors".count) + ".safetensors"
        let l = try CLI.run(["convert", model, dir.appendingPathComponent(long).path, "--to", "timm"])
        #expect(l.status == 0, "\(l.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(long).path))
        #expect(CLI.temporaries(in: dir.path).isEmpty)
    }
}
