import Foundation
import Testing
import Tensors
@testable import HDF5

/// vitkit's own check of variable-length string attributes before libhdf5 reads them
/// (HDF5VlenStringCheck): every good file reads as before, in compact storage (v1 and v2
/// object headers, root and layer groups) and dense storage (one- and two-level name indexes);
/// fixtures whose global heap is damaged in place are refused, naming the attribute and the
/// damage, with no libhdf5 read of the strings.
@Suite("HDF5 variable-length string check")
struct HDF5VlenStringCheckTests {
    let dir: TemporaryDirectory
    init() throws { dir = try TemporaryDirectory() }

    /// Where the first string of `attribute` on `object` lives: its element in the attribute
    /// data, its global heap collection, and the heap object's header (all file offsets).
    struct Target {
        var element: Int
        var collection: Int
        var objectHeader: Int
        var index: Int
        var length: Int
        /// The free-space object's header.
        var freeSpace: Int
    }

    static func locate(_ path: String, _ object: String, _ attribute: String) throws -> Target {
        let address = try HDF5Reader(path: path).objectAddress(object)
        let file = try HDF5RawFile(path: path)
        let superblock = try HDF5Superblock.read(file)
        let header = try HDF5ObjectHeader.read(file, at: try #require(superblock.fileOffset(address, within: file.size)), superblock)
        let found = try HDF5AttributeLookup.messages(named: attribute, in: header, file, superblock)
        let data = try #require(found.first).message.data
        let o = superblock.sizeOfOffsets
        let collection = try #require(superblock.fileOffset(try data.uint(4, o), within: file.size))
        let index = Int(try data.uint(4 + o, 4))
        let heap = try HDF5GlobalHeapCollection.read(file, at: collection, superblock)
        let heapObject = try #require(heap.objects[index])
        return Target(element: Int(data.offset), collection: Int(collection), objectHeader: Int(heapObject.offset) - 8 - superblock.sizeOfLengths,
                      index: index, length: Int(try data.uint(0, 4)), freeSpace: Int(try #require(heap.freeSpace)))
    }

    /// The strings of `attribute` on `object`, read as KerasWeightsFile and HDF5File read them.
    static func strings(_ path: String, _ object: String, _ attribute: String) throws -> [String] {
        let reader = try HDF5Reader(path: path)
        guard let handle = try reader.open(object) else { throw reader.location(object).malformed("no such object") }
        return try HDF5Attributes.strings(handle.id, attribute, at: reader.location(object))
    }

    static let good: [(fixture: String, object: String, attribute: String, first: String)] = [
        ("h5/generic.h5", "/", "title", "vitkit generic fixture"),
        ("h5/generic.h5", "/group_a", "units", "arbitrary"),
        ("h5/tf-classifier-keras3-names.h5", "/classifier", "weight_names", "tf_vi_t_for_image_classification/classifier/kernel"),
        ("models/tf-in21k/tf_model.h5", "/", "layer_names", "vit"),
        ("h5/v110-attrs.h5", "/", "layer_names", "vit"),
        ("h5/v110-dense-attrs.h5", "/", "name07", "value 7"),
        ("h5/v110-many-dense-attrs.h5", "/", "attr123", "value 123 " + String(repeating: "x", count: 23)),
        ("h5/v110-many-dense-attrs.h5", "/", "names", "layer_0"),
    ]

    @Test(arguments: good.indices)
    func intactStringsReadAsBefore(_ index: Int) throws {
        let (fixture, object, attribute, first) = Self.good[index]
        let values = try Self.strings(Fixtures.path(fixture), object, attribute)
        #expect(values.first == first, "\(fixture) \(object) \(attribute): \(values.prefix(3))")
    }

    @Test func everyDenseAttributeIsFoundThroughTheTwoLevelNameIndex() throws {
        let metadata = try HDF5File(path: Fixtures.path("h5/v110-many-dense-attrs.h5")).metadata
        #expect(metadata.count == 201)
        for (i, entry) in metadata.filter({ $0.key.hasPrefix("attr") }).enumerated() {
            #expect(entry.key == String(format: "attr%03d", i) && entry.value == "value \(i) " + String(repeating: "x", count: i % 50))
        }
        #expect(metadata.last?.key == "names" && metadata.last?.value.hasPrefix("[\"layer_0\",\"layer_1\"") == true)
    }

    /// lookup3 as libhdf5 computes it: the hashes h5py's HDF5 stored in the name index.
    @Test func nameHashesMatchTheOnesLibhdf5Stored() {
        #expect(HDF5AttributeLookup.nameHash(Array("name01".utf8)) == 0x0D2B_2192)
        #expect(HDF5AttributeLookup.nameHash(Array("name00".utf8)) == 0xAD78_BC75)
        #expect(HDF5AttributeLookup.nameHash(Array("a_rather_long_name_over_12".utf8)) == 0x240B_BACA)
    }

    /// Each damage: a fixture, the attribute read, the bytes changed (relative to its target),
    /// and what the error must say.
    static let damage: [(name: String, fixture: String, object: String, attribute: String,
                         edit: @Sendable (Target) -> [(Int, [UInt8])], expected: String)] = [
        ("GCOL signature broken", "h5/v110-dense-attrs.h5", "/", "name05", { t in [(t.collection + 3, [0x58])] },
         "global heap collection at offset 2048 does not start with GCOL"),
        ("collection version 2", "h5/generic.h5", "/", "title", { t in [(t.collection + 4, [2])] }, "has version 2, expected 1"),
        ("collection of 16 bytes", "h5/generic.h5", "/group_a", "units", { t in [(t.collection + 8, [16, 0, 0, 0, 0, 0, 0, 0])] },
         "declares 16 bytes, expected 4096 to 67108864"),
        ("collection past the end of the file", "h5/tf-classifier-keras3-names.h5", "/classifier", "weight_names",
         { t in [(t.collection + 8, [0, 0, 0x10, 0, 0, 0, 0, 0])] }, "runs past the end of the file"),
        ("object size beyond the collection", "h5/v110-dense-attrs.h5", "/", "name05", { t in [(t.objectHeader + 8, [0xFF, 0xFF, 0, 0, 0, 0, 0, 0])] },
         "declares 65535 bytes, past the end of its collection"),
        ("object index missing", "h5/v110-dense-attrs.h5", "/", "name05", { t in [(t.objectHeader, [0xE7, 0x03])] },
         "points to object 6 of the global heap collection at offset 2048, which has no such object"),
        ("object index used twice", "h5/v110-dense-attrs.h5", "/", "name05", { t in [(t.objectHeader, [UInt8(t.index - 1), 0])] },
         "holds object 5 twice"),
        ("element names object 0 (free space)", "h5/generic.h5", "/group_a", "units", { t in [(t.element + 12, [0, 0, 0, 0])] },
         "points to object 0 of the global heap collection"),
        ("element longer than its object", "h5/tf-classifier-keras3-names.h5", "/classifier", "weight_names",
         { t in [(t.element, [UInt8(t.length + 1), 0, 0, 0])] }, "declares 51 x 1 bytes but global heap object"),
        ("element address outside the file", "models/tf-in21k/tf_model.h5", "/", "layer_names",
         { t in [(t.element + 4, [0, 0, 0, 0, 1, 0, 0, 0])] }, "points to a global heap collection at address 4294967296, outside the file"),
        ("free space not closing the collection", "h5/v110-attrs.h5", "/", "title", { t in [(t.freeSpace + 8, [8, 0, 0, 0, 0, 0, 0, 0])] },
         "has free space at offset"),
    ]

    @Test(arguments: damage.indices)
    func damagedGlobalHeapsAreRefusedBeforeLibhdf5ReadsThem(_ index: Int) throws {
        let (name, fixture, object, attribute, edit, expected) = Self.damage[index]
        let original = Fixtures.path(fixture)
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: original)))
        for (offset, patch) in edit(try Self.locate(original, object, attribute)) {
            bytes.replaceSubrange(offset..<(offset + patch.count), with: patch)
        }
        let path = try dir.write(bytes, to: "damaged-\(index).h5")
        do {
            let values = try Self.strings(path, object, attribute)
            Issue.record("\(name): read \(values.prefix(2))")
        } catch let error as CheckpointError {
            let prefix = "\(path): attribute '\(attribute)' of '\(object)' cannot be read safely: "
            #expect(error.description.hasPrefix(prefix), "\(name): \(error)")
            #expect(error.description.contains(expected), "\(name): \(error)")
            #expect(!error.description.contains("\n"))
        }
        // The readers refuse the file with an error naming it (which attribute they meet first
        // varies); HDF5File reads only the root's attributes.
        guard object == "/" || fixture.contains("tf") else { return }
        do {
            if fixture.contains("tf") { _ = try KerasWeightsFile(path: path) } else { _ = try HDF5File(path: path) }
            Issue.record("\(name): the file was read")
        } catch {
            #expect(error.description.hasPrefix(path + ": ") && error.description.contains("cannot be read safely"), "\(name): \(error)")
        }
    }
}
