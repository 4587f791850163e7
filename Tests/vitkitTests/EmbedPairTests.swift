import Foundation
import Testing

/// `embed -o X.npy` writes two files that belong together: the rows and the paths naming
/// them. A run that fails part way (here a file-size limit, as a full disk) must leave the
/// old pair as it was: the sidecar used to be renamed into place before the `.npy`'s last
/// buffered rows were written, so the error left new paths beside the old rows.
@Suite("embed replaces the .npy and its sidecar together or not at all")
struct EmbedPairTests {
    @Test func aFailedRunLeavesTheOldPairIntact() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let images = dir.appendingPathComponent("i")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        for i in 0..<60 {
            try FileManager.default.linkItem(atPath: CLI.sample("images/chelsea.png"), toPath: images.appendingPathComponent(String(format: "%02d.png", i)).path)
        }
        let model = CLI.sample("models/hf-in21k")
        let out = dir.appendingPathComponent("e.npy").path
        let first = try CLI.run(["embed", model, CLI.sample("images"), "-o", out])
        #expect(first.status == 0, "\(first.stderr)")
        let rows = try Data(contentsOf: URL(fileURLWithPath: out))
        let paths = try Data(contentsOf: URL(fileURLWithPath: out + ".paths.json"))
        // 16 blocks of 512 bytes (dash's unit): the new sidecar (~60 paths, under 8 KiB)
        // fits, the new .npy (60 x 48 float32 + header = 11648 bytes) does not.
        let r = try FullDiskTests.run("ulimit -f 16; trap '' XFSZ; exec \"$@\"",
                                      ["embed", model, images.path, "-o", out, "--force", "--output", "cls"])
        #expect(r.reason == .exit && r.status == 1 && r.stderr.contains("\(out): write failed: File too large"), "\(r.stderr)")
        let sidecarText = try String(contentsOfFile: out + ".paths.json", encoding: .utf8)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == rows)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + ".paths.json")) == paths, "sidecar replaced: \(sidecarText.prefix(80))")
        #expect(CLI.temporaries(in: dir.path).isEmpty)
    }
}
