/// vitkit's own check of a group's link storage, run before libhdf5 resolves a name in the
/// group (`H5Lexists`, `H5Oopen`, `H5Lget_info`) or iterates over it.
///
/// libhdf5 1.10 loads an old-style group's local heap trusting its free list
/// (`H5HL__fl_deserialize`): a free list that loops (Fuzz/findings/hdf5-group-unbounded-alloc.h5:
/// the root's heap data segment holds free block 48 whose next block is 48) makes it allocate a
/// free-list node per turn, without end (~24 GB before the OOM killer). It also follows the
/// group's v1 B-tree and symbol table nodes and compares names at heap offsets with `strcmp`.
///
/// Checked, with `pread` only:
/// - symbol table message (0x0011): the local heap (`HEAP` version 0, data segment inside the
///   file and at most 16 MiB, free list inside the segment, without loops); the v1 B-tree
///   (`TREE`, node type 0, level at most `maxLevel`, each child one level below its parent,
///   entries used at most 2 x the superblock's group internal K, keys naming NUL-terminated
///   strings inside the heap, child addresses inside the file, no node reached twice, at most
///   `maxNodes` nodes); the symbol table nodes (`SNOD` version 1, at most 2 x group leaf K
///   entries, each name (and soft link value) a NUL-terminated string inside the heap, object header
///   address inside the file for entries that are not soft links);
/// - link messages (0x0006): version 1, known flags and link type, name and link value inside
///   the message;
/// - link info message (0x0002): version 0; dense storage's fractal heap and v2 name index
///   headers (`HDF5FractalHeap`, `HDF5BTree2`: link name index type 5).
enum HDF5GroupCheck {
    static let linkInfo = 0x0002, link = 0x0006, symbolTable = 0x0011
    static let maxLevel = 32
    static let maxNodes = 1 << 16

    /// Checks the link storage of the object whose header is `header` (nothing for non-groups).
    static func check(_ header: HDF5ObjectHeader, _ file: borrowing HDF5RawFile, _ superblock: HDF5Superblock) throws(HDF5StructureError) {
        for message in header.messages {
            let place: String
            switch message.type {
            case symbolTable: place = "symbol table message at offset \(message.headerOffset)"
            case link: place = "link message at offset \(message.headerOffset)"
            case linkInfo: place = "link info message at offset \(message.headerOffset)"
            default: continue
            }
            guard message.flags & HDF5ObjectCheck.sharedFlag == 0 else {
                throw HDF5StructureError("its \(place) is marked shared, which libhdf5 never writes for group messages")
            }
            do {
                switch message.type {
                case symbolTable: try checkSymbolTable(message.body, file, superblock)
                case link: try checkLink(message.body, superblock)
                default: try checkLinkInfo(message.body, file, superblock)
                }
            } catch {
                throw error.prefixed(place)
            }
        }
    }

    /// Symbol table message: v1 B-tree address (O), local heap address (O).
    static func checkSymbolTable(_ body: HDF5Bytes, _ file: borrowing HDF5RawFile, _ superblock: HDF5Superblock) throws(HDF5StructureError) {
        let o = superblock.sizeOfOffsets, l = superblock.sizeOfLengths
        let treeAddress = try body.uint(0, o), heapAddress = try body.uint(o, o)
        let heap = try HDF5ObjectCheck.localHeapData(at: heapAddress, file, superblock)
        func name(_ offset: UInt64, _ what: @autoclosure () -> String) throws(HDF5StructureError) {
            guard offset < UInt64(heap.count), heap.bytes[Int(offset)...].contains(0) else {
                throw HDF5StructureError("\(what()) names heap offset \(offset), not a NUL-terminated string inside the \(heap.count)-byte local heap data segment")
            }
        }
        let maxChildren = 2 * (superblock.groupInternalK ?? 0xFFFF)
        let maxEntries = 2 * (superblock.groupLeafK ?? 0xFFFF)
        var pending: [(address: UInt64, level: Int?)] = [(treeAddress, nil)]
        var visited: Set<UInt64> = []
        while let node = pending.popLast() {
            guard let at = superblock.fileOffset(node.address, within: file.size) else {
                throw HDF5StructureError("a v1 B-tree node address \(node.address) lies outside the file")
            }
            guard visited.insert(at).inserted else { throw HDF5StructureError("the v1 B-tree node at offset \(at) is reached twice (a loop or a shared child)") }
            guard visited.count <= maxNodes else { throw HDF5StructureError("its v1 B-tree has more than \(maxNodes) nodes") }
            let head = try file.read(at, 8 + 2 * o, "a v1 B-tree node")
            guard head.bytes[0..<4].elementsEqual("TREE".utf8) else {
                throw HDF5StructureError("no v1 B-tree node (TREE) at offset \(at)")
            }
            let type = Int(try head.u8(4)), level = Int(try head.u8(5)), used = Int(try head.uint(6, 2))
            guard type == 0 else { throw HDF5StructureError("the v1 B-tree node at offset \(at) has type \(type), expected 0 (group nodes)") }
            if let expected = node.level, level != expected {
                throw HDF5StructureError("the v1 B-tree node at offset \(at) has level \(level), expected \(expected) (one below its parent)")
            }
            guard level <= maxLevel else { throw HDF5StructureError("the v1 B-tree node at offset \(at) has level \(level), over \(maxLevel)") }
            guard used <= maxChildren else {
                throw HDF5StructureError("the v1 B-tree node at offset \(at) uses \(used) entries, over the \(maxChildren) (2 x group internal node K) a node holds")
            }
            // Keys (L) and children (O) alternate: key 0, child 0, ..., child used-1, key used.
            let body = try file.read(at + UInt64(8 + 2 * o), used * (l + o) + l, "the v1 B-tree node's keys and children")
            for index in 0...used {
                let key = try body.uint(index * (l + o), l)
                // libhdf5 never compares against the first key of a group B-tree (the empty name).
                if index > 0 { try name(key, "key \(index) of the v1 B-tree node at offset \(at)") }
                guard index < used else { break }
                let child = try body.uint(index * (l + o) + l, o)
                if level > 0 {
                    pending.append((child, level - 1))
                } else {
                    try checkSymbolNode(child, maxEntries: maxEntries, file, superblock, name)
                }
            }
        }
    }

    /// A symbol table node: `SNOD`, version 1, a reserved byte, entry count (2), entries of link
    /// name offset (O), object header address (O), cache type (4), reserved (4), scratch (16).
    private static func checkSymbolNode(_ address: UInt64, maxEntries: Int, _ file: borrowing HDF5RawFile, _ superblock: HDF5Superblock,
                                        _ name: (UInt64, @autoclosure () -> String) throws(HDF5StructureError) -> Void) throws(HDF5StructureError) {
        let o = superblock.sizeOfOffsets
        guard let at = superblock.fileOffset(address, within: file.size) else {
            throw HDF5StructureError("a symbol table node address \(address) lies outside the file")
        }
        let head = try file.read(at, 8, "a symbol table node")
        guard head.bytes[0..<4].elementsEqual("SNOD".utf8), try head.u8(4) == 1 else {
            throw HDF5StructureError("no symbol table node (SNOD version 1) at offset \(at)")
        }
        let count = Int(try head.uint(6, 2))
        guard count <= maxEntries else {
            throw HDF5StructureError("the symbol table node at offset \(at) holds \(count) entries, over the \(maxEntries) (2 x group leaf node K) it has room for")
        }
        let entrySize = 2 * o + 24
        let entries = try file.read(at + 8, count * entrySize, "the symbol table node's entries")
        for index in 0..<count {
            try name(try entries.uint(index * entrySize, o), "entry \(index) of the symbol table node at offset \(at)")
            let cache = try entries.uint(index * entrySize + 2 * o, 4)
            guard cache <= 2 else { throw HDF5StructureError("entry \(index) of the symbol table node at offset \(at) has cache type \(cache), expected 0, 1 or 2") }
            if cache == 2 {
                // A soft link: no object; its value is a heap string whose offset opens the scratch pad.
                try name(try entries.uint(index * entrySize + 2 * o + 8, 4), "the soft link value of entry \(index) of the symbol table node at offset \(at)")
            } else {
                let object = try entries.uint(index * entrySize + o, o)
                guard superblock.fileOffset(object, within: file.size) != nil else {
                    throw HDF5StructureError("entry \(index) of the symbol table node at offset \(at) points to object header address \(object), outside the file")
                }
            }
        }
    }

    /// Link message (`H5O__link_decode`): version 1, flags (bits 0-1 name length size, 2
    /// creation order, 3 link type, 4 character set), then those fields, the name, the value.
    static func checkLink(_ body: HDF5Bytes, _ superblock: HDF5Superblock) throws(HDF5StructureError) {
        let version = try body.u8(0), flags = try body.u8(1)
        guard version == 1 else { throw HDF5StructureError("version \(version), expected 1") }
        guard flags & ~0x1F == 0 else { throw HDF5StructureError("flags 0x\(String(flags, radix: 16)), expected bits 0-4 only") }
        var p = 2
        var type = 0
        if flags & 0x08 != 0 { type = Int(try body.u8(p)); p += 1 }
        guard type == 0 || type == 1 || type >= 64 else { throw HDF5StructureError("link type \(type), expected 0 (hard), 1 (soft) or 64 and over") }
        if flags & 0x04 != 0 { p += 8 }
        if flags & 0x10 != 0 {
            let charset = try body.u8(p)
            guard charset <= 1 else { throw HDF5StructureError("character set \(charset), expected 0 or 1") }
            p += 1
        }
        let width = 1 << Int(flags & 0x03)
        let length = try body.uint(p, width)
        p += width
        guard length > 0, length <= UInt64(body.count - min(p, body.count)) else {
            throw HDF5StructureError("its name of \(length) bytes at byte \(p) is empty or runs past the \(body.count)-byte message")
        }
        p += Int(length)
        switch type {
        case 0:
            _ = try body.uint(p, superblock.sizeOfOffsets)
        default:
            let size = Int(try body.uint(p, 2))
            guard size <= body.count - p - 2 else {
                throw HDF5StructureError("its link value of \(size) bytes at byte \(p + 2) runs past the \(body.count)-byte message")
            }
        }
    }

    /// Link info message: version 0, flags (bit 0: creation order tracked, bit 1: indexed),
    /// maximum creation index (8) if tracked, fractal heap (O), name index v2 B-tree (O),
    /// creation order index (O) if indexed.
    static func checkLinkInfo(_ body: HDF5Bytes, _ file: borrowing HDF5RawFile, _ superblock: HDF5Superblock) throws(HDF5StructureError) {
        let o = superblock.sizeOfOffsets
        let version = try body.u8(0), flags = try body.u8(1)
        guard version == 0 else { throw HDF5StructureError("version \(version), expected 0") }
        guard flags & ~0x03 == 0 else { throw HDF5StructureError("flags 0x\(String(flags, radix: 16)), expected bits 0-1 only") }
        var p = 2 + (flags & 0x01 != 0 ? 8 : 0)
        let heap = try body.uint(p, o), nameIndex = try body.uint(p + o, o)
        p += 2 * o
        if flags & 0x02 != 0 { _ = try body.uint(p, o) }
        guard heap != HDF5Superblock.undefined(o) else { return }
        _ = try HDF5FractalHeap.read(file, at: heap, superblock)
        let tree = try HDF5BTree2.read(file, at: nameIndex, superblock)
        guard tree.type == 5 else {
            throw HDF5StructureError("its link name index v2 B-tree has record type \(tree.type), expected 5")
        }
    }
}
