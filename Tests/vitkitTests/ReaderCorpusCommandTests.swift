import Foundation
import Testing
import Tensors

/// The reader corpus (samples/readers/ from h5py, samples/dtypes/ from safetensors) through the
/// CLI: `inspect --stats` lists every file with its skipped entries (statistics of the newer float
/// types: InspectStatsTests), and `convert` ends with one line, never a crash.
@Suite("reader corpus")
struct ReaderCorpusCommandTests {
    static let files = ["readers/empty.h5", "readers/string-attrs.h5", "readers/unwritten.h5", "readers/latest.h5",
                        "readers/latest-dense.h5", "readers/types.h5", "dtypes/complex.safetensors", "dtypes/packed.safetensors",
                        "dtypes/minifloats.safetensors", "dtypes/f6.safetensors"]

    @Test(arguments: files)
    func inspectStatsListsAndConvertRefusesInOneLine(file: String) throws {
        let r = try CLI.run(["inspect", CLI.sample(file), "--stats", "--json"])
        #expect(r.status == 0, "\(file): \(r.stderr)")
        let entries = try #require(r.json?["tensors"]?.arrayValue, "\(file)")
        for entry in entries {
            // Statistics, or the reason the read was refused (readers/unwritten.h5 'big').
            #expect(entry["stats"]?.objectValue != nil || entry["stats_error"]?.stringValue?.contains("fill value") == true, "\(file)")
        }
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let c = try CLI.run(["convert", CLI.sample(file), dir.appendingPathComponent("out.safetensors").path, "--to", "hf"])
        #expect(c.status == 1 && c.stderr.hasPrefix("Error: ") && c.stderr.split(separator: "\n").count <= 2, "\(file): \(c.stderr)")
        #expect(c.stderr.contains("no naming scheme"), "\(file): \(c.stderr)")
    }

    @Test func skippedEntriesAreListedWithTheirReasons() throws {
        let r = try CLI.run(["inspect", CLI.sample("readers/latest.h5")])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("skipped enum: unsupported dtype enum, stored as HDF5 datatype version 4"), "\(r.stdout)")
        #expect(r.stdout.contains("skipped @flag: root attribute of type enum"), "\(r.stdout)")
        let u = try CLI.run(["inspect", CLI.sample("readers/unwritten.h5"), "--stats"])
        #expect(u.status == 0 && u.stdout.contains("not read: big: declares 134217728 bytes but stores none"), "\(u.stdout)")
    }
}
