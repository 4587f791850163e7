import Foundation
import Testing
import Tensors
@testable import HDF5

/// Inputs the fuzzers found (Fuzz/findings): each must give a clear error, never a crash.
@Suite("fuzz findings")
struct FuzzFindingTests {
    /// A damaged copy of generic.h5 whose chunked dataset declares 577,584-byte chunks (shape
    /// [2, 36099] in a [5, 6] dataset) over 48 stored bytes: libhdf5 1.10's H5Dread copied past
    /// its buffer (ASan: SEGV). The chunk shape check (libhdf5's own creation rule) names the
    /// damage; before it, the stored size check refused the chunk.
    @Test func aChunkSmallerThanItsDeclaredShapeIsRefusedBeforeReading() throws {
        let path = Fixtures.root + "/Fuzz/findings/hdf5-h5dread-segv.h5"
        let file = try HDF5File(path: path)
        #expect { try file.tensor(named: "chunked_uncompressed_f64") } throws: { error in
            "\(error)" == "\(path): tensor '/chunked_uncompressed_f64': chunk shape [2, 36099] does not fit the dataset's maximum shape [5, 6] (dimension 1)"
        }
        expectOthersReadOrFailCleanly(file, path: path, except: "chunked_uncompressed_f64")
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

    /// A fuzz mutation of generic.h5 (about 500 bytes changed) whose deflated dataset
    /// `compressed/gzip_f32` declares [16, 16580624] chunks in a [64, 32] dataset: libhdf5 1.10
    /// inflated each 1 KiB chunk and copied out of it by the declared shape (ASan: SEGV in
    /// H5VM_memcpyvv under H5Dread). The chunk shape check refuses it before reading.
    @Test func aFilteredChunkWithADamagedShapeIsRefusedBeforeReading() throws {
        let path = Fixtures.root + "/Fuzz/findings/hdf5-filtered-chunk-short.h5"
        let file = try HDF5File(path: path)
        #expect { try file.tensor(named: "compressed/gzip_f32") } throws: { error in
            "\(error)" == "\(path): tensor '/compressed/gzip_f32': chunk shape [16, 16580624] does not fit the dataset's maximum shape [64, 32] (dimension 1)"
        }
        expectOthersReadOrFailCleanly(file, path: path, except: "compressed/gzip_f32")
    }

    /// The same kind of damage within the dataset's shape, which libhdf5's creation rule allows:
    /// generic.h5's [16, 16] deflated chunks declared [16, 32] or [64, 32], so each decodes to
    /// half or a quarter of a chunk (libhdf5 1.10: ASan heap-buffer-overflow in H5VM_memcpyvv).
    /// vitkit inflates every chunk (counting, not keeping, the bytes) before H5Dread.
    @Test(arguments: [(16, 32, 2048), (64, 32, 8192)])
    func aFilteredChunkDecodingShortIsRefusedBeforeReading(_ rows: UInt8, _ columns: UInt8, _ chunkBytes: Int) throws {
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("h5/generic.h5"))))
        // The layout message's chunk dimensions 16, 16 and element size 4 (unique in the file).
        let layout: [UInt8] = [16, 0, 0, 0, 16, 0, 0, 0, 4, 0, 0, 0]
        let at = try #require((0...(bytes.count - layout.count)).first { bytes[$0..<($0 + layout.count)].elementsEqual(layout) })
        bytes[at] = rows
        bytes[at + 4] = columns
        let dir = try TemporaryDirectory()
        let path = try dir.write(bytes, to: "short-chunks.h5")
        let file = try HDF5File(path: path)
        #expect { try file.tensor(named: "compressed/gzip_f32") } throws: { error in
            "\(error)".hasPrefix("\(path): tensor '/compressed/gzip_f32': chunk 0 at offset ")
                && "\(error)".hasSuffix("decodes to 1024 bytes but a chunk holds \(chunkBytes)")
        }
        #expect(try file.tensor(named: "compressed/shuffle_gzip_i32").elementCount == 1000)
    }

    @Test func intactChunkedAndContiguousDatasetsStillRead() throws {
        let file = try HDF5File(path: Fixtures.path("h5/generic.h5"))
        #expect(try file.tensor(named: "chunked_uncompressed_f64").elementCount == 30)
        #expect(try file.tensor(named: "group_a/f32").elementCount == 12)
    }
}

/// Every dataset of `file` but `except` reads with its declared shape, or fails with one line
/// naming the file; at least one reads.
func expectOthersReadOrFailCleanly(_ file: HDF5File, path: String, except: String, sourceLocation: SourceLocation = #_sourceLocation) {
    var read = 0
    for info in file.tensors where info.name != except {
        do {
            let tensor = try file.tensor(named: info.name)
            #expect(tensor.shape == info.shape && tensor.dtype == info.dtype, "\(info.name)", sourceLocation: sourceLocation)
            read += 1
        } catch {
            #expect(error.description.hasPrefix(path + ": ") && !error.description.contains("\n"), "\(info.name): \(error)",
                    sourceLocation: sourceLocation)
        }
    }
    #expect(read > 0, sourceLocation: sourceLocation)
}
