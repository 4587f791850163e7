/// The attribute info message (type 0x0015, version 2 object headers): where an object keeps
/// its attributes once they no longer fit in its header.
///
/// Layout (HDF5 File Format Specification 3.0, section IV.A.2.v): version 0, flags (bit 0:
/// creation order tracked, bit 1: indexed), the maximum creation index (2) if tracked, the
/// fractal heap address, the name index v2 B-tree address, the creation order index address
/// if indexed. Dense storage is in use when the heap address is defined.
struct HDF5AttributeInfo {
    static let type = 0x0015

    /// The fractal heap holding the attribute messages; nil for compact storage.
    var heap: UInt64?
    /// The v2 B-tree of the attributes by name.
    var nameIndex: UInt64

    init(_ body: HDF5Bytes, _ superblock: HDF5Superblock) throws(HDF5StructureError) {
        let version = try body.u8(0), flags = try body.u8(1)
        guard version == 0 else { throw HDF5StructureError("attribute info message version \(version), expected 0") }
        guard flags & ~0x03 == 0 else { throw HDF5StructureError("attribute info message flags 0x\(String(flags, radix: 16)), expected bits 0-1 only") }
        let o = superblock.sizeOfOffsets
        let p = 2 + (flags & 0x01 != 0 ? 2 : 0)
        let address = try body.uint(p, o)
        heap = address == HDF5Superblock.undefined(o) ? nil : address
        nameIndex = try body.uint(p + o, o)
        if flags & 0x02 != 0 { _ = try body.uint(p + 2 * o, o) }
    }

    /// The attribute info of `header`, nil when it has none (version 1 headers never do).
    static func of(_ header: HDF5ObjectHeader, _ superblock: HDF5Superblock) throws(HDF5StructureError) -> HDF5AttributeInfo? {
        guard header.version == 2, let message = header.messages.first(where: { $0.type == type }) else { return nil }
        return try HDF5AttributeInfo(message.body, superblock)
    }
}

/// Finds an object's attribute messages by name as libhdf5 does: in the object header
/// (compact storage), or through the name index and fractal heap (dense storage) when the
/// attribute info message names a heap.
enum HDF5AttributeLookup {
    /// An attribute message and where it was found, for errors.
    struct Found {
        var message: HDF5AttributeMessage
        var place: String
    }

    /// Record type and size of the dense attribute name index (`H5A__dense_btree2_name_decode`):
    /// heap ID (8), message flags (1), creation order (4), name hash (4).
    static let nameIndexType = 8
    static let nameRecordSize = 17
    static let heapIDSize = 8
    static let sharedFlag: UInt8 = 0x02

    /// Every attribute message of `header` named `name` (normally one).
    ///
    /// - Throws: when a message in the way fails `HDF5AttributeMessage`, is a shared message
    ///   (its name is elsewhere: not supported), or dense storage cannot be read.
    static func messages(named name: String, in header: HDF5ObjectHeader, _ file: borrowing HDF5RawFile,
                         _ superblock: HDF5Superblock) throws(HDF5StructureError) -> [Found] {
        if let info = try HDF5AttributeInfo.of(header, superblock), let heap = info.heap {
            return try dense(named: name, heap: heap, nameIndex: info.nameIndex, file, superblock)
        }
        var found: [Found] = []
        for message in header.messages where message.type == HDF5AttributeMessage.type {
            let place = "attribute message at offset \(message.headerOffset)"
            guard message.flags & sharedFlag == 0 else {
                throw HDF5StructureError("the \(place) is a shared message; vitkit reads only attributes stored in the object")
            }
            let attribute: HDF5AttributeMessage
            do { attribute = try HDF5AttributeMessage(message.body, superblock) } catch { throw HDF5StructureError("\(place): \(error.reason)") }
            if attribute.name == name { found.append(Found(message: attribute, place: place)) }
        }
        return found
    }

    private static func dense(named name: String, heap heapAddress: UInt64, nameIndex: UInt64, _ file: borrowing HDF5RawFile,
                              _ superblock: HDF5Superblock) throws(HDF5StructureError) -> [Found] {
        let heap = try HDF5FractalHeap.read(file, at: heapAddress, superblock)
        let tree = try HDF5BTree2.read(file, at: nameIndex, superblock)
        guard tree.type == nameIndexType, tree.recordSize == nameRecordSize else {
            throw HDF5StructureError("the dense attribute name index has record type \(tree.type) of \(tree.recordSize) bytes, expected type \(nameIndexType) of \(nameRecordSize)")
        }
        var found: [Found] = []
        // libhdf5 looks a name up by its hash and compares names only where the hashes match.
        let hash = UInt64(nameHash(Array(name.utf8)))
        for record in try tree.records(keyAt: heapIDSize + 5, equalTo: hash, file, superblock) {
            let id = try record.slice(0, heapIDSize)
            let place = "attribute message at heap offset \(try id.uint(1, heap.offsetSize)) in dense storage (the fractal heap at address \(heapAddress))"
            guard try record.u8(heapIDSize) & sharedFlag == 0 else {
                throw HDF5StructureError("\(place) holds a shared message; vitkit reads only attributes stored in the object")
            }
            let attribute: HDF5AttributeMessage
            do {
                attribute = try HDF5AttributeMessage(try heap.object(id, file, superblock), superblock)
            } catch {
                throw HDF5StructureError("\(place): \(error.reason)")
            }
            if attribute.name == name { found.append(Found(message: attribute, place: place)) }
        }
        return found
    }

    /// Bob Jenkins' lookup3 `hashlittle` with seed 0 (`H5_checksum_lookup3`), the hash the dense
    /// attribute name index is ordered by.
    static func nameHash(_ key: [UInt8]) -> UInt32 {
        func rot(_ x: UInt32, _ k: UInt32) -> UInt32 { x << k | x >> (32 - k) }
        func word(_ k: ArraySlice<UInt8>, _ at: Int) -> UInt32 {
            (0..<4).reduce(UInt32(0)) { sum, i in at + i < k.endIndex ? sum | UInt32(k[at + i]) << (8 * UInt32(i)) : sum }
        }
        var a = 0xdeadbeef &+ UInt32(truncatingIfNeeded: key.count), b = a, c = a
        var k = key[...]
        while k.count > 12 {
            a &+= word(k, k.startIndex); b &+= word(k, k.startIndex + 4); c &+= word(k, k.startIndex + 8)
            a &-= c; a ^= rot(c, 4); c &+= b
            b &-= a; b ^= rot(a, 6); a &+= c
            c &-= b; c ^= rot(b, 8); b &+= a
            a &-= c; a ^= rot(c, 16); c &+= b
            b &-= a; b ^= rot(a, 19); a &+= c
            c &-= b; c ^= rot(b, 4); b &+= a
            k = k.dropFirst(12)
        }
        guard !k.isEmpty else { return c }
        a &+= word(k, k.startIndex); b &+= word(k, k.startIndex + 4); c &+= word(k, k.startIndex + 8)
        c ^= b; c &-= rot(b, 14)
        a ^= c; a &-= rot(c, 11)
        b ^= a; b &-= rot(a, 25)
        c ^= b; c &-= rot(b, 16)
        a ^= c; a &-= rot(c, 4)
        b ^= a; b &-= rot(a, 14)
        c ^= b; c &-= rot(b, 24)
        return c
    }
}
