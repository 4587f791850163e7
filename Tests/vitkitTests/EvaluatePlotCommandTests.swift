import Foundation
import Testing
import Tensors

/// `vitkit evaluate --plot`: the PNG, its write guard and the font.
@Suite("vitkit evaluate --plot")
struct EvaluatePlotCommandTests {
    static let model = CLI.sample("models/hf-classifier")

    /// Width and height from the IHDR chunk (big-endian at offsets 16 and 20), read by hand.
    static func pngSize(_ path: String) throws -> (Int, Int) {
        let b = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(Array(b.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] && String(decoding: b[12..<16], as: UTF8.self) == "IHDR")
        func be32(_ o: Int) -> Int { b[o..<o + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (be32(16), be32(20))
    }

    @Test func plotIsAPNGPillowReads() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("cm.png").path
        let r = try CLI.run(["evaluate", Self.model, CLI.sample("eval"), "--plot", out])
        #expect(r.status == 0, "\(r.stderr)")
        let (w, h) = try Self.pngSize(out)
        #expect((300...900).contains(w) && (300...900).contains(h), "\(w)x\(h) for 5 classes")
        let python = ProcessInfo.processInfo.environment["VITKIT_REFERENCE_PYTHON"] ?? "/root/venv-ref/bin/python"
        guard FileManager.default.isExecutableFile(atPath: python) else { return }
        let script = """
        import sys; import numpy as np; from PIL import Image
        a = np.asarray(Image.open(sys.argv[1]).convert("RGB")).reshape(-1, 3)
        print(a.shape[0], int((a == [255, 255, 255]).all(1).sum()), int((a == [8, 48, 107]).all(1).sum()))
        """
        let p = try CLI.capture([python, "-c", script, out])
        #expect(p.status == 0, "\(p.stderr)")
        let counts = p.stdout.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(counts.count == 3 && counts[0] == w * h)
        // Mostly white background; the two cells of the largest count (3) are the darkest blue.
        #expect(counts.count == 3 && counts[1] > w * h / 2 && counts[2] > 2 * 40 * 40, "\(p.stdout)")
    }

    @Test func plotNeverOverwritesInputsAndNeedsForce() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        for input in [Self.model + "/model.safetensors", CLI.sample("eval.csv")] {
            let before = try Data(contentsOf: URL(fileURLWithPath: input))
            let data = input.hasSuffix(".csv") ? input : CLI.sample("eval")
            let r = try CLI.run(["evaluate", Self.model, data, "--plot", input, "--force"])
            #expect(r.status == 1 && r.stderr.contains("refusing to write over") && r.stdout.isEmpty, "\(r.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: input)) == before)
        }
        let out = dir.appendingPathComponent("cm.png").path
        try Data("keep".utf8).write(to: URL(fileURLWithPath: out))
        let again = try CLI.run(["evaluate", Self.model, CLI.sample("eval"), "--plot", out])
        #expect(again.status == 1 && again.stderr.contains("--force") && again.stdout.isEmpty, "\(again.stderr)")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "keep")
        #expect(try CLI.run(["evaluate", Self.model, CLI.sample("eval"), "--plot", out, "--force"]).status == 0)
        #expect(try Self.pngSize(out).0 > 0)
    }

    @Test func missingFontIsOneLineBeforeAnythingRuns() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("cm.png").path
        let r = try CLI.run(["evaluate", Self.model, CLI.sample("eval"), "--plot", out, "--font", "/nonexistent/DejaVuSans.ttf"])
        #expect(r.status == 1 && r.stdout.isEmpty)
        #expect(r.stderr == "Error: /nonexistent/DejaVuSans.ttf: font file not found (install fonts-dejavu-core, or pass another TrueType font)\n",
                "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}

/// The progress bar: on stderr only when it is a terminal (`script` gives the run a pty).
@Suite("vitkit evaluate progress")
struct EvaluateProgressTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs util-linux script for a pty"))
    func progressBarOnATerminalOnly() throws {
        let command = [CLI.binary.path, "evaluate", CLI.sample("models/hf-classifier"), CLI.sample("eval"), "--batch", "4", "--json"]
            .map { "'\($0)'" }.joined(separator: " ")
        // stdout goes to a file, stderr stays on the pty that `script` records.
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.json").path
        let r = try CLI.capture(["/usr/bin/script", "-qec", "\(command) > '\(out)'", "/dev/null"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("[######------------------] 4/15 images, "), "\(r.stdout)")
        #expect(r.stdout.contains("[########################] 15/15 images, ") && r.stdout.contains(" images/s, ETA "))
        #expect(r.stdout.hasSuffix("\r\u{1B}[K"), "the line is cleared at the end")
        let json = try String(contentsOfFile: out, encoding: .utf8)
        #expect(json.hasPrefix("{") && !json.contains("images/s"), "stdout has the report only")
    }
}
