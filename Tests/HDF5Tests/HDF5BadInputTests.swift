import Testing
import Tensors
@testable import HDF5

/// Damaged bytes: every case must end in a CheckpointError naming the file, never a crash.
@Suite("HDF5 bad input")
struct HDF5BadInputTests {
    let dir: TemporaryDirectory
    init() throws { dir = try TemporaryDirectory() }

    /// Opens `path` both ways and reads every tensor; returns the first error.
    func openAndReadAll(_ path: String) -> CheckpointError? {
        do {
            let file = try HDF5File(path: path)
            for t in file.tensors { _ = try file.tensor(named: t.name) }
            let keras = try KerasWeightsFile(path: path)
            for t in keras.tensors { _ = try keras.tensor(named: t.name) }
            return nil
        } catch {
            return error
        }
    }

    @Test func missingFileAndDirectoryAreIOErrors() {
        let missing = dir.file("missing.h5")
        #expect(expectError { _ = try HDF5File(path: missing) } == .io(file: missing, reason: "No such file or directory"))
        guard case .io(_, let reason)? = expectError({ _ = try KerasWeightsFile(path: dir.path) }) else {
            Issue.record("expected .io")
            return
        }
        #expect(reason == "expected a regular file, found a directory")
    }

    @Test(arguments: [0, 1, 7, 512, 4096, 100_000])
    func randomBytesAreNotHDF5(_ count: Int) throws {
        var rng = SystemRandomNumberGenerator()
        let path = try dir.write((0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }, to: "random-\(count).h5")
        let error = expectError { _ = try HDF5File(path: path) }
        #expect(error == .malformed(file: path, reason: "not an HDF5 file (no HDF5 superblock signature)"))
        #expect(!KerasWeightsFile.isKerasWeights(path))
    }

    @Test(arguments: [8, 100, 800, 2048, 50_000, 200_000, 364_000])
    func truncatedFixtureFailsClearly(_ length: Int) throws {
        let path = try dir.copy("models/tf-classifier/tf_model.h5", as: "full.h5")
        let bytes = try dir.read("full.h5")
        let cut = try dir.write(Array(bytes.prefix(length)), to: "cut-\(length).h5")
        _ = path
        let error = try #require(openAndReadAll(cut))
        #expect(error.description.hasPrefix(cut + ":"), "\(error)")
        if length >= 800 { #expect(error.description.contains("truncated"), "\(error)") }
    }

    /// Flips each of the first bytes of a dataset's object header (and of the root group's):
    /// libhdf5 must either read it or fail with an error; the header version byte is checked.
    @Test(arguments: ["/vit/tf_vi_t_for_image_classification/vit/layernorm/gamma:0", "/vit", "/"])
    func flippedObjectHeaderBytes(_ object: String) throws {
        let original = try dir.copy("models/tf-classifier/tf_model.h5", as: "orig.h5")
        let address = Int(try HDF5Reader(path: original).objectAddress(object))
        let bytes = try dir.read("orig.h5")
        var failures = 0
        for offset in 0..<48 {
            var damaged = bytes
            damaged[address + offset] ^= 0xFF
            let path = try dir.write(damaged, to: "flip-\(offset).h5")
            if let error = openAndReadAll(path) {
                failures += 1
                #expect(error.description.hasPrefix(path + ":"), "\(error)")
                #expect(!error.description.isEmpty)
            }
            if offset == 0 { #expect(openAndReadAll(path) != nil, "a bad header version must be refused") }
        }
        #expect(failures > 0)
    }

    @Test func flippedSuperblockIsRefused() throws {
        _ = try dir.copy("h5/generic.h5", as: "g.h5")
        var bytes = try dir.read("g.h5")
        bytes[8] ^= 0xFF  // superblock version
        let path = try dir.write(bytes, to: "bad-superblock.h5")
        let error = try #require(openAndReadAll(path))
        guard case .malformed(let file, let reason) = error else { Issue.record("\(error)"); return }
        #expect(file == path && reason.hasSuffix("superblock version 255, expected 0, 1, 2 or 3"), "\(reason)")
    }

    /// Damaged compressed chunks: listing still works, the read fails naming the dataset (vitkit
    /// inflates each chunk itself to check its size before libhdf5 reads it: the corrupt stream
    /// is found there).
    @Test func corruptedCompressedChunkFailsOnRead() throws {
        let original = try dir.copy("h5/generic.h5", as: "g.h5")
        let chunks = HDF5TestFiles.chunkLocations(original, "/compressed/gzip_f32")
        #expect(chunks.count == 8)
        var bytes = try dir.read("g.h5")
        for (address, size) in chunks {
            for k in 2..<min(size, 40) { bytes[address + k] ^= 0x5A }
        }
        let path = try dir.write(bytes, to: "badchunk.h5")
        let file = try HDF5File(path: path)
        #expect(file.info(named: "compressed/gzip_f32")?.shape == [64, 32])
        let error = expectError { _ = try file.tensor(named: "compressed/gzip_f32") }
        guard case .invalidTensor(let f, let tensor, let reason)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(f == path && tensor == "/compressed/gzip_f32" && reason.contains("chunk 0 at offset") && reason.contains("deflate stream is corrupt"), "\(reason)")
        _ = try file.tensor(named: "group_a/f32")
    }
}
