/// One global heap collection (`GCOL`), read and walked by vitkit itself, so that a
/// variable-length element is only handed to libhdf5 when the object it names is really there.
///
/// libhdf5 1.10 decodes a collection without bounds checks (`H5HG__cache_heap_deserialize`)
/// and `H5HG_read` copies the object's recorded size from its recorded start: an object index
/// missing from the collection copies from NULL, an object larger than the element's length
/// overflows the conversion buffer (Fuzz/findings/hdf5-global-heap-missing-object.h5).
///
/// Layout (HDF5 File Format Specification 3.0, section III.E): `GCOL`, version 1, 3 reserved
/// bytes, the collection size (size of lengths; it includes this header); the header padded
/// to 8 bytes; then objects: index (2), reference count (2), 4 reserved bytes, the object size
/// (size of lengths), the data padded to 8 bytes. Object 0 is the free space: its size
/// includes its own header and it runs to the end of the collection; a tail too short for an
/// object header is free space too.
struct HDF5GlobalHeapCollection {
    /// libhdf5 never writes smaller collections (`H5HG_MINSIZE`), and sizes smaller than the
    /// header break its object-count arithmetic.
    static let minSize: UInt64 = 4096
    /// Collections are read whole; larger ones are refused.
    static let maxSize: UInt64 = 64 << 20

    struct Object {
        /// File offset of the object's data.
        var offset: UInt64
        var size: UInt64
    }

    /// File offset of the collection.
    var offset: UInt64
    var size: UInt64
    /// The objects by index (never 0: that is the free space).
    var objects: [Int: Object] = [:]
    /// File offset of the free-space object's header; nil when none is recorded.
    var freeSpace: UInt64?

    /// Reads and walks the collection at file offset `offset`.
    ///
    /// - Throws: for a bad signature or version, a size under 4096 bytes, over `maxSize` or
    ///   past the end of the file, an object running past the collection, an index used twice,
    ///   or free space that does not close the collection.
    static func read(_ file: borrowing HDF5RawFile, at offset: UInt64, _ superblock: HDF5Superblock) throws(HDF5StructureError) -> HDF5GlobalHeapCollection {
        let lengths = superblock.sizeOfLengths
        let head = try file.read(offset, 8 + lengths, "the global heap collection")
        guard head.bytes[0..<4].elementsEqual("GCOL".utf8) else {
            throw HDF5StructureError("the global heap collection at offset \(offset) does not start with GCOL")
        }
        let version = try head.u8(4)
        guard version == 1 else { throw HDF5StructureError("the global heap collection at offset \(offset) has version \(version), expected 1") }
        let size = try head.uint(8, lengths)
        guard size >= minSize, size <= maxSize else {
            throw HDF5StructureError("the global heap collection at offset \(offset) declares \(size) bytes, expected \(minSize) to \(maxSize)")
        }
        let bytes = try file.read(offset, Int(size), "the global heap collection (\(size) bytes)")
        var collection = HDF5GlobalHeapCollection(offset: offset, size: size)
        let objectHeader = 8 + lengths
        var p = hdf5Align8(8 + lengths) ?? 16
        while p < bytes.count {
            guard bytes.count - p >= objectHeader else { break }  // a tail too short for a header: free space
            let index = Int(try bytes.uint(p, 2)), objectSize = try bytes.uint(p + 8, lengths)
            let at = offset + UInt64(p)
            if index == 0 {
                guard objectSize == UInt64(bytes.count - p) else {
                    throw HDF5StructureError("the global heap collection at offset \(offset) has free space at offset \(at) of \(objectSize) bytes, but \(bytes.count - p) bytes remain to its end")
                }
                collection.freeSpace = at
                break
            }
            let room = UInt64(bytes.count - p - objectHeader)
            guard objectSize <= room, let padded = hdf5Align8(Int(objectSize)), padded <= bytes.count - p - objectHeader else {
                throw HDF5StructureError("global heap object \(index) at offset \(at) declares \(objectSize) bytes, past the end of its collection (\(room) bytes left)")
            }
            guard collection.objects[index] == nil else {
                throw HDF5StructureError("the global heap collection at offset \(offset) holds object \(index) twice")
            }
            collection.objects[index] = Object(offset: at + UInt64(objectHeader), size: objectSize)
            p += objectHeader + padded
        }
        return collection
    }
}

/// The variable-length elements of one attribute checked against the global heap: each
/// element is a 4-byte length, the collection's address (size of offsets) and a 4-byte object
/// index (`H5T__vlen_disk_read`); an address of 0 is a null element, never read.
struct HDF5VlenElements {
    /// The collections of one attribute's strings are read whole, at most this many bytes in all.
    static let maxCollectionBytes: UInt64 = 256 << 20

    /// Bytes of one element in the file.
    static func elementSize(_ superblock: HDF5Superblock) -> Int { 4 + superblock.sizeOfOffsets + 4 }

    /// Checks `count` elements at the start of `data`, each `baseSize` bytes per unit of length.
    ///
    /// - Throws: naming the element, the collection and what is wrong: a collection that is
    ///   missing or damaged, an object that is not in it, or one whose size is not the
    ///   element's length (libhdf5 copies the whole object into a buffer sized for the length).
    static func check(_ data: HDF5Bytes, count: Int, baseSize: Int, _ file: borrowing HDF5RawFile,
                      _ superblock: HDF5Superblock) throws(HDF5StructureError) {
        let stride = elementSize(superblock)
        var collections: [UInt64: HDF5GlobalHeapCollection] = [:]
        var bytesRead: UInt64 = 0
        for i in 0..<count {
            let at = i * stride
            let length = try data.uint(at, 4)
            let address = try data.uint(at + 4, superblock.sizeOfOffsets)
            let index = try data.uint(at + 4 + superblock.sizeOfOffsets, 4)
            guard address != 0 else { continue }
            let element = count == 1 ? "its variable-length string" : "variable-length string \(i)"
            guard let offset = superblock.fileOffset(address, within: file.size) else {
                throw HDF5StructureError("\(element) points to a global heap collection at address \(address), outside the file (\(file.size) bytes)")
            }
            let collection: HDF5GlobalHeapCollection
            if let known = collections[offset] {
                collection = known
            } else {
                do {
                    collection = try HDF5GlobalHeapCollection.read(file, at: offset, superblock)
                } catch {
                    throw HDF5StructureError("\(element) points to the global heap collection at offset \(offset): \(error.reason)")
                }
                collections[offset] = collection
                bytesRead += collection.size
                guard bytesRead <= maxCollectionBytes else {
                    throw HDF5StructureError("its strings' global heap collections hold more than \(maxCollectionBytes) bytes in all")
                }
            }
            guard index != 0, index <= UInt64(UInt16.max), let object = collection.objects[Int(index)] else {
                throw HDF5StructureError("\(element) points to object \(index) of the global heap collection at offset \(offset), which has no such object")
            }
            let (expected, overflow) = length.multipliedReportingOverflow(by: UInt64(baseSize))
            guard !overflow, object.size == expected else {
                throw HDF5StructureError("\(element) declares \(length) x \(baseSize) bytes but global heap object \(index) (collection at offset \(offset)) holds \(object.size)")
            }
        }
    }
}
