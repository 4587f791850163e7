import Testing
import Tensors
@testable import HDF5

/// Inputs the fuzzers found (Fuzz/findings): each must give a clear error, never a crash.
@Suite("fuzz findings")
struct FuzzFindingTests {
    /// A damaged copy of generic.h5 whose chunked dataset declares 577,584-byte chunks over
    /// 48 stored bytes: libhdf5 1.10's H5Dread copied past its buffer (ASan: SEGV).
    @Test func aChunkSmallerThanItsDeclaredShapeIsRefusedBeforeReading() throws {
        let path = Fixtures.root + "/Fuzz/findings/hdf5-h5dread-segv.h5"
        let file = try HDF5File(path: path)
        #expect { try file.tensor(named: "chunked_uncompressed_f64") } throws: { error in
            "\(error)".contains("chunk 0 stores 48 bytes but an unfiltered chunk holds 577584")
        }
        for info in file.tensors {  // every other dataset reads or fails cleanly
            _ = try? file.tensor(named: info.name)
        }
    }

    @Test func intactChunkedAndContiguousDatasetsStillRead() throws {
        let file = try HDF5File(path: Fixtures.path("h5/generic.h5"))
        #expect(try file.tensor(named: "chunked_uncompressed_f64").elementCount == 30)
        #expect(try file.tensor(named: "group_a/f32").elementCount == 12)
    }
}
