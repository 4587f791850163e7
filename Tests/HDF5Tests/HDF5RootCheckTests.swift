import Foundation
import Testing
import Tensors
@testable import HDF5

/// vitkit's own reading of the superblock and root object header (HDF5RootCheck): every good
/// file passes with the names libhdf5 sees; damaged attribute messages are refused, naming the
/// field, before libhdf5 decodes them.
@Suite("HDF5 root header check")
struct HDF5RootCheckTests {
    let dir: TemporaryDirectory
    init() throws { dir = try TemporaryDirectory() }

    static let goodFiles = [
        "h5/generic.h5", "h5/tf-classifier-fixed-attrs.h5", "h5/tf-classifier-keras3-names.h5",
        "h5/tf-classifier-split-weight-names.h5", "h5/tf-in21k-suffix-1.h5",
        "h5/tf-classifier-sharded/tf_model-00001-of-00002.h5", "h5/tf-classifier-sharded/tf_model-00002-of-00002.h5",
        "models/tf-classifier/tf_model.h5", "models/tf-in21k/tf_model.h5",
        "h5/v110-attrs.h5", "h5/v110-dense-attrs.h5", "h5/v110-many-dense-attrs.h5",
    ]

    /// The root's attribute names as vitkit reads them: compact ones from its own parse, dense ones through libhdf5.
    static func rootNames(_ reader: HDF5Reader) throws -> [String] {
        if let names = reader.rootAttributeNames { return names }
        let root = try reader.openRoot()  // kept open while its id is used
        return try HDF5Attributes.denseNames(root.id, at: reader.location("/"))
    }

    @Test(arguments: goodFiles)
    func goodFilesPassWithTheNamesLibhdf5Has(_ fixture: String) throws {
        let reader = try HDF5Reader(path: Fixtures.path(fixture))
        let root = try reader.openRoot()
        let names = try Self.rootNames(reader)
        #expect(names.count == (try HDF5Attributes.count(root.id, at: reader.location("/"))))
        #expect(Set(names).count == names.count)
        for name in names { #expect(try HDF5Attributes.exists(root.id, name, at: reader.location("/")), "\(name)") }
        #expect(names == names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        _ = try HDF5File(path: Fixtures.path(fixture)).metadata
    }

    @Test func namesAndStorageOfTheFormatVariants() throws {
        #expect(try HDF5Reader(path: Fixtures.path("h5/generic.h5")).rootAttributeNames == ["fixed_title", "scales", "title", "version"])
        let v110 = try HDF5Reader(path: Fixtures.path("h5/v110-attrs.h5"))
        #expect(v110.rootAttributeNames == ["array", "big_endian", "compound", "empty", "f32", "fixed", "flag", "i64",
                                            "layer_names", "null", "opaque", "title", "unicode"])
        let dense = try HDF5Reader(path: Fixtures.path("h5/v110-dense-attrs.h5"))
        #expect(dense.rootAttributeNames == nil)  // in a fractal heap: listed by libhdf5
        #expect(try Self.rootNames(dense) == (0..<20).map { String(format: "name%02d", $0) })
        let metadata = try HDF5File(path: Fixtures.path("h5/v110-dense-attrs.h5")).metadata
        #expect(metadata.count == 20 && metadata.first?.key == "name00" && metadata.first?.value == "value 0")
    }

    /// Damage to generic.h5's root header, each refused with the field named. The `scales`
    /// message (v1 header) starts at 1016: type (2), size (2) = 80, flags, 3 reserved; its
    /// body at 1024: version 1, reserved, name size 7, datatype size 20, dataspace size 24,
    /// "scales\0" padded to 8 (1032), datatype at 1040 (20 bytes, padded to 24), dataspace at
    /// 1064 (24 bytes: version 1, rank 1, flags, 5 reserved, one 8-byte dimension 4), data at 1088.
    static let damage: [(name: String, edits: [(Int, [UInt8])], expected: String)] = [
        ("attribute version 0", [(1024, [0])], "version 0, expected 1, 2 or 3"),
        ("attribute version 4", [(1024, [4])], "version 4, expected 1, 2 or 3"),
        ("reserved byte set", [(1025, [1])], "flags 0x1, expected 0 (reserved)"),
        ("empty name", [(1026, [0, 0])], "name size 0"),
        ("name past the message", [(1026, [200, 0])], "name of 200 bytes at byte 8 runs past the 80-byte message"),
        ("name without NUL", [(1026, [6, 0])], "name of 6 bytes is not one NUL-terminated string"),
        ("datatype past the message", [(1028, [0xFF, 0xFF])], "datatype of 65535 bytes"),
        ("datatype version 0", [(1040, [0x01])], "datatype version 0, expected 1, 2 or 3"),
        ("datatype class 12", [(1040, [0x1C])], "datatype class 12, expected 0 to 10"),
        ("dataspace version 3", [(1064, [3])], "dataspace version 3, expected 1 or 2"),
        ("dataspace rank 33", [(1065, [33])], "dataspace of rank 33, expected at most 32"),
        ("data past the message", [(1072, [0, 0, 1, 0, 0, 0, 0, 0])], "data of 65536 elements x 8 bytes does not fit in the 16 bytes left"),
        ("dimensions overflow", [(1072, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])], "does not fit"),
        ("message past its block", [(1018, [0x58, 0])], "declares 88 bytes, past the end of its object header block"),
        ("message size not a multiple of 8", [(1018, [0x4C, 0])], "size 76, not a multiple of 8"),
        ("root header version 3", [(96, [3])], "object header at offset 96 has version 3, expected 1"),
        ("root address past the end", [(64, [0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0])], "lies beyond the end of the file"),
        ("superblock offset size 3", [(13, [3])], "superblock size of offsets is 3, expected 2, 4 or 8"),
        ("continuation past the end", [(120, [0xFF, 0xFF, 0xFF, 0x0F])], "outside the file"),
        ("continuation to itself", [(120, [0x60, 0, 0, 0, 0, 0, 0, 0])], "a loop"),
    ]

    @Test(arguments: damage.indices)
    func damagedRootHeadersAreRefusedNamingTheField(_ index: Int) throws {
        let (name, edits, expected) = Self.damage[index]
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("h5/generic.h5"))))
        for (offset, patch) in edits { bytes.replaceSubrange(offset..<(offset + patch.count), with: patch) }
        let path = try dir.write(bytes, to: "damaged-\(index).h5")
        do {
            _ = try HDF5File(path: path)
            Issue.record("\(name): accepted")
        } catch {
            #expect(error.description.hasPrefix(path + ": "), "\(name): \(error)")
            #expect(error.description.contains(expected), "\(name): \(error)")
            #expect(!error.description.contains("\n"))
        }
    }

    /// A user block before the superblock (h5py `userblock_size=512`): found at offset 512.
    @Test func aSuperblockAfterAUserBlockIsFound() throws {
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("h5/generic.h5"))))
        var bytes = [UInt8](repeating: 0x55, count: 512) + original
        // Base address becomes 512: all addresses stay relative to the superblock.
        bytes.replaceSubrange((512 + 24)..<(512 + 32), with: [0, 2, 0, 0, 0, 0, 0, 0])
        let path = try dir.write(bytes, to: "userblock.h5")
        let raw = try HDF5RawFile(path: path)
        let superblock = try HDF5Superblock.read(raw)
        #expect(superblock.location == 512 && superblock.baseAddress == 512 && superblock.rootObjectHeader == 512 + 96)
        let header = try HDF5ObjectHeader.read(raw, at: superblock.rootObjectHeader, superblock)
        let names = try header.messages.filter { $0.type == HDF5AttributeMessage.type }.map { try HDF5AttributeMessage($0.body, superblock).name }
        #expect(names == ["title", "fixed_title", "version", "scales"])
    }
    /// A superblock at offset 0 recording base address 4 (and an end of file 4 bytes further,
    /// over 4 appended bytes): libhdf5 takes the superblock's own offset as the base
    /// (H5F__super_read) and moves the recorded end of file back by the difference; vitkit
    /// reads the bytes libhdf5 reads, and the file reads as the original.
    @Test func aRecordedBaseAddressUnlikeTheSuperblockOffsetIsIgnoredAsLibhdf5Does() throws {
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("h5/generic.h5"))))
        let recordedEOF = (0..<8).reduce(0) { $0 | Int(bytes[40 + $1]) << (8 * $1) }
        #expect(recordedEOF == bytes.count)
        bytes.replaceSubrange(24..<32, with: [4, 0, 0, 0, 0, 0, 0, 0])
        bytes.replaceSubrange(40..<48, with: (0..<8).map { UInt8(truncatingIfNeeded: (recordedEOF + 4) >> (8 * $0)) })
        bytes += [0, 0, 0, 0]
        let path = try dir.write(bytes, to: "base4.h5")
        let superblock = try HDF5Superblock.read(try HDF5RawFile(path: path))
        #expect(superblock.baseAddress == 0 && superblock.rootObjectHeader == 96 && superblock.endOfFile == UInt64(recordedEOF))
        let original = try HDF5File(path: Fixtures.path("h5/generic.h5"))
        let moved = try HDF5File(path: path)
        #expect(moved.tensors.map(\.name) == original.tensors.map(\.name))
        #expect(try moved.tensor(named: "group_a/f32").elementCount == 12)
    }
}
