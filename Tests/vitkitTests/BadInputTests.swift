import Foundation
import Testing

/// Bad input gives one clear sentence on stderr naming the file, and a non-zero exit.
@Suite("vitkit bad input")
struct BadInputTests {
    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let path = try CLI.tempDir().appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static let badFiles: [([UInt8], String)] = [
        ([UInt8](repeating: 0xAB, count: 100), "random.safetensors"),
        ([8, 0, 0, 0, 0, 0, 0, 0] + Array("{\"a\":1}".utf8), "short.safetensors"),
        ([255, 255, 255, 255, 255, 255, 255, 255, 0x7B, 0x7D], "huge.safetensors"),
        (Array("PK\u{03}\u{04}garbage".utf8), "trunc.npz"),
        ([0x93] + Array("NUMPY".utf8) + [9, 0], "badversion.npy"),
        ([0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0], "trunc.h5"),
        (Array("hello".utf8), "plain.bin"),
    ]

    @Test(arguments: badFiles)
    func inspectFailsCleanly(bytes: [UInt8], name: String) throws {
        let path = try write(bytes, name)
        let r = try CLI.run(["inspect", path])
        #expect(r.status != 0)
        #expect(r.stderr.contains(path), "\(r.stderr)")
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Backtrace") && !r.stderr.contains("HDF5-DIAG"))
    }

    /// A 66,000-character tensor name in a damaged file: the error keeps its start and end and
    /// says how much it cut, instead of echoing 66 KB.
    @Test func anErrorEchoingAHugeNameIsCut() throws {
        let name = String(repeating: "a", count: 66_000)
        let header = Array("{\"\(name)\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}".utf8)
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes.append(contentsOf: $0) }
        let path = try write(bytes + header + [0, 0, 0, 0], "long-name.safetensors")
        let r = try CLI.run(["inspect", path])
        #expect(r.status == 1)
        #expect(r.stderr.utf8.count < 4_200 && r.stderr.contains("characters cut]"), "\(r.stderr.utf8.count) bytes")
        #expect(r.stderr.hasPrefix("Error: \(path): tensor 'aaaa") && r.stderr.hasSuffix("' should have 8 bytes of data but has 4\n"))
    }

    @Test func anEnormousImageSizeIsRefusedBeforeAllocating() throws {
        let r = try CLI.run(["predict", CLI.sample("models/hf-classifier"), CLI.sample("images/chelsea.png"), "--image-size", "160000"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("too large"), "\(r.stderr)")
    }

    @Test func missingFile() throws {
        let r = try CLI.run(["inspect", "/nonexistent/model.safetensors"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("/nonexistent/model.safetensors"))
    }

    @Test func convertNeverWritesOverTheSourceOrAnExistingFile() throws {
        let dir = try CLI.tempDir()
        let src = dir.appendingPathComponent("hf")
        try FileManager.default.copyItem(atPath: CLI.sample("models/hf-classifier"), toPath: src.path)
        let over = try CLI.run(["convert", src.path, src.path, "--to", "hf", "--force"])
        #expect(over.status != 0 && over.stderr.contains("source"))
        let existing = dir.appendingPathComponent("keep.safetensors").path
        try Data("keep".utf8).write(to: URL(fileURLWithPath: existing))
        let refused = try CLI.run(["convert", src.path, existing, "--to", "native"])
        #expect(refused.status != 0 && refused.stderr.contains("--force"))
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "keep")
        let forced = try CLI.run(["convert", src.path, existing, "--to", "native", "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try CLI.run(["diff", src.path, existing]).status == 0)
    }

    static let badImages: [([UInt8], String)] = [
        ([UInt8](), "empty.png"),
        (Array("not an image at all".utf8), "text.jpg"),
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13], "truncated.png"),
    ]

    @Test(arguments: badImages)
    func predictRefusesBadImages(bytes: [UInt8], name: String) throws {
        let path = try write(bytes, name)
        let r = try CLI.run(["predict", CLI.sample("models/hf-classifier"), path])
        #expect(r.status != 0)
        #expect(r.stderr.contains(name), "\(r.stderr)")
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Backtrace"))
    }
}

@Suite("convert never writes over a sharded source")
struct ShardedSourceGuardTests {
    @Test func aShardOfTheSourceIsRefusedAsDestination() throws {
        let dir = try CLI.tempDir().appendingPathComponent("sharded")
        try FileManager.default.copyItem(atPath: CLI.sample("models/hf-sharded"), toPath: dir.path)
        let shard = dir.appendingPathComponent("model-00002-of-00003.safetensors").path
        let before = try Data(contentsOf: URL(fileURLWithPath: shard))
        let r = try CLI.run(["convert", dir.path, shard, "--to", "native", "--force"])
        #expect(r.status != 0 && r.stderr.contains("source"), "\(r.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: shard)) == before)
    }
}
