import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 9, cases 4, 6, 7, 10, 11: a source that shrinks mid-read, signals, FIFOs, a full
/// stdout and hostile names, each through the real binary.
@Suite("interruptions and hostile inputs", .serialized)
struct InterruptionTests {
    /// Runs `args` on the large model, stops the process once it has read 4 MB of the
    /// model's tensor data, truncates the model (header kept), lets it go on.
    func truncatedWhileReading(_ args: (String, URL) -> [String]) throws -> (status: Int32, signaled: Bool, stdout: String, stderr: String, dir: URL) {
        let dir = try CLI.tempDir()
        let model = try #require(FileManager.default.destinationOfSymbolicLinkResolved(try LargeModel.make(in: dir)))
        let p = try CLIProcess(args(model, dir))
        #expect(p.wait(until: { p.residentKB(of: model) > 4096 }), "the process never read \(model)")
        p.signal(SIGSTOP)
        #expect(truncate(model, 1 << 16) == 0)
        p.signal(SIGCONT)
        let r = p.finish()
        return (r.status, r.signaled, r.stdout, r.stderr, dir)
    }

    static let readers: [String] = ["convert-jax", "convert-tf", "diff", "predict"]

    @Test(arguments: readers)
    func aSourceTruncatedMidReadIsAClearError(command: String) throws {
        let image = CLI.sample("images/chelsea.png")
        let r = try truncatedWhileReading { model, dir in
            switch command {
            case "convert-jax": ["convert", model, dir.appendingPathComponent("out.npz").path, "--to", "jax"]
            case "convert-tf": ["convert", model, dir.appendingPathComponent("out").path, "--to", "tf"]
            case "diff": ["diff", model, model]
            // Nine images run as two batches: the classifier is read twice, so the second
            // read is after the truncation whenever the first was under way.
            default: ["predict", model] + Array(repeating: image, count: 9)
            }
        }
        #expect(r.status == 1 && !r.signaled, "\(command): status \(r.status) \(r.stderr)")
        // `diff` opens the file twice: when the truncation lands between the two opens, the
        // second open finds the file short instead (an equally clear error).
        #expect(r.stderr.contains("large.safetensors: the file changed while being read")
                    || (command == "diff" && r.stderr.contains("large.safetensors: tensors need") && r.stderr.contains("(truncated?)")),
                "\(command): \(r.stderr)")
        #expect(r.stderr.split(separator: "\n").filter { $0.contains("Error") }.count == 1, "\(r.stderr)")
        #expect(!r.stderr.contains("Backtrace") && !r.stderr.contains("Fatal"))
        #expect(CLI.temporaries(in: r.dir.path).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: r.dir.appendingPathComponent("out.npz").path))
        #expect(!FileManager.default.fileExists(atPath: r.dir.appendingPathComponent("out").path))
    }

    static let signals: [(Int32, String)] = [(SIGINT, "jax"), (SIGTERM, "hf"), (SIGHUP, "tf"), (SIGINT, "native")]

    @Test(arguments: signals)
    func aSignalMidWriteLeavesNoTemporary(sig: Int32, target: String) throws {
        let dir = try CLI.tempDir()
        let model = try LargeModel.make(in: dir)
        let out = dir.appendingPathComponent(target == "jax" ? "out.npz" : target == "native" ? "out.safetensors" : "out").path
        let p = try CLIProcess(["convert", model, out, "--to", target])
        #expect(p.wait(until: { !CLI.temporaries(in: dir.path).isEmpty }), "no temporary appeared")
        p.signal(SIGSTOP)
        p.signal(sig)
        p.signal(SIGCONT)
        let r = p.finish()
        #expect(r.signaled && r.status == sig, "status \(r.status), signaled \(r.signaled): \(r.stderr)")
        #expect(CLI.temporaries(in: dir.path).isEmpty, "\(CLI.temporaries(in: dir.path))")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func fifosAreRefusedNotWaitedOn() throws {
        let dir = try CLI.tempDir()
        let fifo = dir.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o644) == 0)
        let ckpt = dir.appendingPathComponent("ckpt")
        try FileManager.default.copyItem(atPath: CLI.sample("models/hf-classifier"), toPath: ckpt.path)
        try FileManager.default.removeItem(at: ckpt.appendingPathComponent("config.json"))
        #expect(mkfifo(ckpt.appendingPathComponent("config.json").path, 0o644) == 0)
        let model = CLI.sample("models/hf-classifier")
        let runs: [[String]] = [
            ["inspect", fifo], ["predict", fifo, CLI.sample("images/chelsea.png")], ["inspect", ckpt.path],
            ["inspect", model, "--config", fifo], ["predict", model, fifo],
            ["verify", model, "--expectations", fifo],
        ]
        for args in runs {
            let r = try CLI.run(args, within: 30)
            #expect(r.status == 1 && !r.signaled && r.stderr.contains("found a FIFO"), "\(args): \(r.stderr)")
        }
    }

    @Test func aFailedWriteOfResultsIsAnError() throws {
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        for args in [["predict", CLI.sample("models/hf-classifier"), CLI.sample("images/chelsea.png"), "--json"],
                     ["inspect", CLI.sample("models/hf-classifier")]] {
            let r = try CLIProcess(args, standardOutput: full).finish()
            #expect(r.status == 1, "\(args)")
            #expect(r.stderr.contains("cannot write the output to standard output: No space left on device"), "\(r.stderr)")
        }
    }

    @Test func namesFromFilesCannotDriveTheTerminal() throws {
        let name = "evil\u{1B}[2J\u{1B}]0;owned\u{07}\nfake line\r\u{202E}"
        let header = Array("{\"\(name.unicodeScalars.map { $0.value < 0x20 ? String(format: "\\u%04x", $0.value) : String($0) }.joined())\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}".utf8)
        var bytes = withUnsafeBytes(of: UInt64(header.count).littleEndian, Array.init) + header
        bytes += [0, 0, 128, 63]
        let path = try CLI.tempDir().appendingPathComponent("names.safetensors").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let text = try CLI.run(["inspect", path])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(!text.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" } && !text.stdout.contains("\u{202E}"))
        #expect(text.stdout.contains("evil\\e[2J\\e]0;owned\\x07\\nfake line\\r\\u{202e}"), "\(text.stdout)")
        #expect(!text.stdout.split(separator: "\n").contains { $0.hasPrefix("fake line") })
        let json = try CLI.run(["inspect", path, "--json"])
        let names = json.json?["tensors"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(names == [name])
    }
}

extension FileManager {
    /// `path` with every link resolved (the form /proc/PID/maps shows).
    func destinationOfSymbolicLinkResolved(_ path: String) -> String? {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }
}
