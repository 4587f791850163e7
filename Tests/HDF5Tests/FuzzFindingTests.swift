import Foundation
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
        // Every other dataset reads with its declared shape, or fails with an error naming the file.
        var read = 0
        for info in file.tensors where info.name != "chunked_uncompressed_f64" {
            do {
                let tensor = try file.tensor(named: info.name)
                #expect(tensor.shape == info.shape && tensor.dtype == info.dtype, "\(info.name)")
                read += 1
            } catch {
                #expect(error.description.hasPrefix(path + ": ") && !error.description.contains("\n"), "\(info.name): \(error)")
            }
        }
        #expect(read > 0)
    }

    /// A damaged copy of generic.h5 whose root `scales` attribute message has version 7:
    /// libhdf5 1.10 failed to decode it while building its attribute table and then freed the
    /// table's uninitialised entries (valgrind: conditional jump on uninitialised value; ASan:
    /// SEGV in H5A__close). vitkit's own root header check refuses it before libhdf5 sees it.
    @Test func aBadRootAttributeMessageIsRefusedBeforeLibhdf5DecodesIt() throws {
        let path = Fixtures.root + "/Fuzz/findings/hdf5-attr-release-uninit.h5"
        // What is damaged: the message body at byte 1024 starts 07 01 00 00 (version 7, reserved
        // 1, name size 0) instead of generic.h5's 01 00 07 00; the other 4 changed bytes lie
        // in other objects.
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("h5/generic.h5"))))
        let finding = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(Array(original[1024..<1028]) == [1, 0, 7, 0] && Array(finding[1024..<1028]) == [7, 1, 0, 0])
        #expect { try HDF5File(path: path) } throws: { error in
            "\(error)" == "\(path): unreadable HDF5 metadata (damaged, or newer than libhdf5 1.10 reads): root group's object header (offset 96): attribute message at offset 1016: version 7, expected 1, 2 or 3"
        }
        #expect { try KerasWeightsFile(path: path) } throws: { error in "\(error)".contains("attribute message at offset 1016: version 7") }
    }

    /// A damaged copy of v110-dense-attrs.h5 whose global heap collection (GCOL at byte 2048)
    /// has object 3 renumbered 31073 and object 12 declaring 4.2e18 bytes: libhdf5 1.10's
    /// H5Aread of a root string attribute (H5T__conv_vlen -> H5HG_read) copied from the missing
    /// object's NULL start (SIGSEGV in `vitkit inspect`). vitkit walks the collection itself
    /// first and refuses the attribute; libhdf5 never reads it.
    @Test func aDamagedGlobalHeapIsRefusedBeforeLibhdf5ReadsAString() throws {
        let path = Fixtures.root + "/Fuzz/findings/hdf5-global-heap-missing-object.h5"
        // What is damaged: object 3's index at byte 2112 (01 00 for object 1 is at 2064) and
        // object 12's size at byte 2336; the attribute name index and heap are intact.
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("h5/v110-dense-attrs.h5"))))
        let finding = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(Array(original[2112..<2114]) == [3, 0] && Array(finding[2112..<2114]) == [0x61, 0x79])
        #expect(Array(original[2336..<2344]) == [8, 0, 0, 0, 0, 0, 0, 0] && finding[2336..<2344] != original[2336..<2344])
        #expect { try HDF5File(path: path) } throws: { error in
            "\(error)" == "\(path): attribute 'name00' of '/' cannot be read safely: attribute message at heap offset 22 in dense storage (the fractal heap at address 638): its variable-length string points to the global heap collection at offset 2048: global heap object 12 at offset 2328 declares 4255923384637986475 bytes, past the end of its collection (3800 bytes left)"
        }
        // Every root attribute is refused the same way, read one by one (the collection is shared).
        let reader = try HDF5Reader(path: path)
        let root = try reader.openRoot()
        for name in try HDF5Attributes.denseNames(root.id, at: reader.location("/")) {
            #expect(throws: CheckpointError.self, "\(name)") { try HDF5Attributes.strings(root.id, name, at: reader.location("/")) }
        }
        #expect { try KerasWeightsFile(path: path) } throws: { error in "\(error)" == "\(path): not a Keras weight file: no 'layer_names' attribute" }
    }

    @Test func intactChunkedAndContiguousDatasetsStillRead() throws {
        let file = try HDF5File(path: Fixtures.path("h5/generic.h5"))
        #expect(try file.tensor(named: "chunked_uncompressed_f64").elementCount == 30)
        #expect(try file.tensor(named: "group_a/f32").elementCount == 12)
    }
}
