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

    /// A damaged copy of generic.h5 whose `/bool` dataset (an h5py bool: an enum FALSE/TRUE over
    /// int8) declares an enum base type of 3,080,193 bytes (byte 14406: 0x2F instead of 0):
    /// libhdf5 1.10's H5O_dtype_decode copied 2 x 3,080,193 enum values out of the 40-byte
    /// datatype message (ASan: heap-buffer-overflow in memcpy under H5Oopen -> H5D_open).
    /// vitkit checks each object's header (HDF5ObjectCheck) before libhdf5 opens the object.
    @Test func anEnumWhoseValuesRunPastItsMessageIsRefusedBeforeOpening() throws {
        let path = Fixtures.root + "/Fuzz/findings/hdf5-enum-base-size.h5"
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("h5/generic.h5"))))
        let finding = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(Array(original[14404..<14408]) == [1, 0, 0, 0] && Array(finding[14404..<14408]) == [1, 0, 0x2F, 0])
        let expected = "\(path): '/bool': cannot be opened safely: its object header (offset 14336): datatype message at offset 14384: enum datatype at byte 0: its 2 values of 3080193 bytes (the base type's size) at byte 36 run past the 40-byte datatype"
        #expect { try HDF5File(path: path) } throws: { error in "\(error)" == expected }
        let reader = try HDF5Reader(path: path)
        #expect { _ = try reader.open("/bool") } throws: { error in "\(error)" == expected }
        // Objects whose headers are intact still open and read.
        #expect(try reader.read("/ints/i8").elementCount == 4)
        #expect { try KerasWeightsFile(path: path) } throws: { error in "\(error)".hasPrefix(path + ": ") }
    }

    /// The finding's datatype message in generic.h5: version 1 enum of 2 members, size 1, over
    /// a version 1 signed int8 (unique in the file); the message body starts at 14392.
    static let enumType: [UInt8] = [0x18, 2, 0, 0, 1, 0, 0, 0, 0x10, 8, 0, 0, 1, 0, 0, 0]

    /// Other damage to `/bool`'s header, patched into generic.h5 at test time: each refused
    /// before libhdf5 opens the dataset, naming the message and what is wrong.
    static let boolDamage: [(name: String, edits: [(Int, UInt8)], detail: String)] = [
        ("enum values past the message", [(12, 3)],
         "datatype message at offset 14384: enum datatype at byte 0: its 2 values of 3 bytes (the base type's size) at byte 36 run past the 40-byte datatype"),
        ("enum member count past the message", [(1, 3)],
         "datatype message at offset 14384: enum datatype at byte 0: member 2's name at byte 36, padded to 8 bytes, runs past the 40-byte datatype"),
        ("enum over a string", [(8, 0x13)],
         "datatype message at offset 14384: enum datatype at byte 0 has a string base type, expected an integer type"),
        ("enum size unlike its base", [(4, 2)],
         "datatype message at offset 14384: enum datatype at byte 0 declares 2 bytes but its integer base type 1"),
        ("dataspace rank 33", [(-31, 33)],
         "dataspace message at offset 14352: dataspace of rank 33, expected at most 32"),
    ]

    @Test(arguments: boolDamage.indices)
    func damagedDatasetHeadersAreRefusedBeforeOpening(_ index: Int) throws {
        let (name, edits, detail) = Self.boolDamage[index]
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("h5/generic.h5"))))
        let at = try #require((0...(bytes.count - Self.enumType.count)).first { bytes[$0..<($0 + Self.enumType.count)].elementsEqual(Self.enumType) })
        #expect(at == 14392)
        for (offset, value) in edits { bytes[at + offset] = value }
        let dir = try TemporaryDirectory()
        let path = try dir.write(bytes, to: "bool-\(index).h5")
        let expected = "\(path): '/bool': cannot be opened safely: its object header (offset 14336): \(detail)"
        #expect(throws: CheckpointError.self, "\(name)") { try HDF5File(path: path) }
        do {
            _ = try HDF5File(path: path)
        } catch {
            #expect("\(error)" == expected, "\(name)")
        }
        let reader = try HDF5Reader(path: path)
        #expect { _ = try reader.open("/bool") } throws: { error in "\(error)" == expected }
        #expect(try reader.read("/ints/i8").elementCount == 4)
    }

    /// A compound whose member type outgrows it, in v110-attrs.h5's root `compound` attribute
    /// (version 3 compound of 12 bytes: `a` int32 at 0, `b` float64 at 4): `b` declared 16 bytes
    /// (byte 725) would end at 20. The same datatype check runs on attribute and dataset types.
    @Test func aCompoundMemberPastItsCompoundIsRefused() throws {
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("h5/v110-attrs.h5"))))
        #expect(Array(bytes[695..<703]) == [0x36, 2, 0, 0, 12, 0, 0, 0] && bytes[718] == 0x62 && bytes[725] == 8)
        bytes[725] = 16
        let dir = try TemporaryDirectory()
        let path = try dir.write(bytes, to: "compound.h5")
        #expect { try HDF5File(path: path) } throws: { error in
            "\(error)".hasPrefix("\(path): unreadable HDF5 metadata (damaged, or newer than libhdf5 1.10 reads): root group's object header (offset ")
                && "\(error)".hasSuffix("compound datatype at byte 0 of 12 bytes: member 1 at byte offset 4 of 16 bytes runs past it")
        }
    }

    /// A mutation of generic.h5 (27 bytes longer: 0xE5 bytes inserted from byte 1822 on shift
    /// later structures away from their recorded addresses) whose root group's local heap (HEAP at 680, 176-byte data segment at
    /// 30714) now covers other bytes: its free list goes 128 -> 48 -> 48 ... libhdf5 1.10's
    /// H5HL__fl_deserialize follows it without loop detection, allocating a node per turn
    /// (`vitkit inspect`: ~24 GB, OOM-killed, under H5Lexists of `model_weights`). vitkit's own
    /// group check (HDF5GroupCheck) refuses the root before libhdf5 opens the file.
    @Test func aRootLocalHeapWhoseFreeListLoopsIsRefusedBeforeLibhdf5() throws {
        let path = Fixtures.root + "/Fuzz/findings/hdf5-group-unbounded-alloc.h5"
        let finding = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        func u64(_ at: Int) -> Int { (0..<8).reduce(0) { $0 | Int(finding[at + $1]) << (8 * $1) } }
        #expect(Array(finding[680..<684]) == Array("HEAP".utf8) && u64(688) == 176 && u64(696) == 128 && u64(704) == 30714)
        #expect(u64(30714 + 128) == 48 && u64(30714 + 48) == 48)
        let expected = "\(path): unreadable HDF5 metadata (damaged, or newer than libhdf5 1.10 reads): root group's link storage (object header at offset 96): symbol table message at offset 800: the local heap at offset 680 has a free list that loops (block 48 comes back)"
        #expect { try HDF5File(path: path) } throws: { error in "\(error)" == expected }
        #expect { try HDF5Reader(path: path) } throws: { error in "\(error)" == expected }
        #expect { try KerasWeightsFile(path: path) } throws: { error in "\(error)" == expected }
        #expect(!KerasWeightsFile.isKerasWeights(path))
    }

    /// Two mutations whose v0 superblock records base address 4 while the superblock is at 0.
    /// libhdf5 (H5F__super_read) ignores such a base (addresses count from the superblock, the
    /// recorded end of file moves by 4); vitkit's checks used it and so read other bytes than
    /// libhdf5 decoded: a heap overflow in H5Aexists (H5O__msg_iterate_real) on a damaged
    /// attribute message, and a SIGSEGV in `vitkit inspect` (H5Literate -> H5G__stab_iterate ->
    /// H5HL_protect) on a local heap whose data segment address is undefined. Checked at the
    /// addresses libhdf5 uses, both are refused before libhdf5 opens the file.
    static let baseAddressFindings: [(file: String, detail: String)] = [
        ("hdf5-attr-exists-heap-overflow.h5", "root group's object header (offset 96): attribute message at offset 824: dataspace of 1800 bytes at byte 40 runs past the 64-byte message"),
        ("hdf5-stab-iterate-null-read.h5", "root group's link storage (object header at offset 96): symbol table message at offset 800: the local heap at offset 680 declares a 176-byte data segment at 18446744073709551615, outside the file or over 16777216 bytes"),
    ]

    @Test(arguments: baseAddressFindings.indices)
    func findingsWithAMisplacedBaseAddressAreCheckedWhereLibhdf5Reads(_ index: Int) throws {
        let (name, detail) = Self.baseAddressFindings[index]
        let path = Fixtures.root + "/Fuzz/findings/" + name
        let finding = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(finding[8] == 0 && Array(finding[24..<32]) == [4, 0, 0, 0, 0, 0, 0, 0])
        let superblock = try HDF5Superblock.read(try HDF5RawFile(path: path))
        #expect(superblock.location == 0 && superblock.baseAddress == 0 && superblock.endOfFile == 34922 - 4)
        let expected = "\(path): unreadable HDF5 metadata (damaged, or newer than libhdf5 1.10 reads): " + detail
        #expect { try HDF5File(path: path) } throws: { error in "\(error)" == expected }
        #expect { try KerasWeightsFile(path: path) } throws: { error in "\(error)" == expected }
        #expect(!KerasWeightsFile.isKerasWeights(path))
    }

    /// Damage to a subgroup's symbol table, patched into generic.h5 at test time: refused when
    /// the group is opened or walked, before libhdf5 resolves a name in it; other groups read.
    static let groupDamage: [(name: String, edits: [(Int, [UInt8])], detail: String)] = [
        // /group_a's heap (HEAP at 1688, data at 1720): free block 32 points to itself.
        ("free list loop", [(1720 + 32, [32, 0, 0, 0, 0, 0, 0, 0])], "the local heap at offset 1688 has a free list that loops (block 32 comes back)"),
        // Its data segment size: 2^40 bytes.
        ("huge data segment", [(1688 + 13, [1])], "the local heap at offset 1688 declares a 1099511627864-byte data segment at 1720, outside the file or over 16777216 bytes"),
        // Its B-tree node (TREE at 1144): 200 entries used.
        ("B-tree entries", [(1144 + 6, [200, 0])], "the v1 B-tree node at offset 1144 uses 200 entries, over the 32 (2 x group internal node K) a node holds"),
        // Its B-tree node: level 1 with itself as child.
        ("B-tree loop", [(1144 + 5, [1]), (1144 + 24 + 8, [0x78, 4, 0, 0, 0, 0, 0, 0])], "the v1 B-tree node at offset 1144 is reached twice (a loop or a shared child)"),
    ]

    @Test(arguments: groupDamage.indices)
    func damagedGroupSymbolTablesAreRefusedBeforeLibhdf5(_ index: Int) throws {
        let (name, edits, detail) = Self.groupDamage[index]
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("h5/generic.h5"))))
        #expect(Array(bytes[1688..<1692]) == Array("HEAP".utf8) && Array(bytes[1144..<1148]) == Array("TREE".utf8))
        for (offset, values) in edits { bytes.replaceSubrange(offset..<(offset + values.count), with: values) }
        let dir = try TemporaryDirectory()
        let path = try dir.write(bytes, to: "group-\(index).h5")
        let reader = try HDF5Reader(path: path)
        #expect(throws: CheckpointError.self, "\(name)") { _ = try reader.open("/group_a/f32") }
        do { _ = try reader.open("/group_a/f32") } catch {
            #expect("\(error)".hasPrefix("\(path): '/group_a': cannot be opened safely: its group's link storage (object header at offset "), "\(name): \(error)")
            #expect("\(error)".hasSuffix(": " + detail), "\(name): \(error)")
        }
        #expect(throws: CheckpointError.self, "\(name)") { try HDF5File(path: path) }
        #expect(try reader.read("/ints/i8").elementCount == 4)
    }

    @Test func intactChunkedAndContiguousDatasetsStillRead() throws {
        let file = try HDF5File(path: Fixtures.path("h5/generic.h5"))
        #expect(try file.tensor(named: "chunked_uncompressed_f64").elementCount == 30)
        #expect(try file.tensor(named: "group_a/f32").elementCount == 12)
    }
}
