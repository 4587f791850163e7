/// The per-message checks of `HDF5ObjectCheck`: fill value, filter pipeline, external file
/// list (and the local heap holding its names) and layout, each against what libhdf5 1.10's
/// decoder reads or copies.
extension HDF5ObjectCheck {
    /// A fill value of a signed 32-bit size at `at`, then that many bytes (none when <= 0).
    static func fillValue(_ body: HDF5Bytes, at: Int, _ elementSize: Int?) throws(HDF5StructureError) {
        let size = Int(Int32(truncatingIfNeeded: try body.uint(at, 4)))
        guard size > 0 else { return }
        guard size <= body.count - at - 4 else {
            throw HDF5StructureError("its fill value of \(size) bytes at byte \(at + 4) runs past the \(body.count)-byte message")
        }
        if let elementSize, size != elementSize {
            throw HDF5StructureError("its fill value has \(size) bytes, the datatype \(elementSize)")
        }
    }

    /// Fill value message versions 1-3 (`H5O_fill_new_decode`).
    static func newFillValue(_ body: HDF5Bytes, _ elementSize: Int?) throws(HDF5StructureError) {
        let version = Int(try body.u8(0))
        switch version {
        case 1, 2:
            // Space allocation time, fill value write time, fill value defined.
            if try body.u8(3) != 0 { try fillValue(body, at: 4, elementSize) }
        case 3:
            let flags = try body.u8(1)
            guard flags & ~0x3F == 0 else { throw HDF5StructureError("fill value flags 0x\(String(flags, radix: 16)), expected bits 0-5 only") }
            if flags & 0x20 != 0 { try fillValue(body, at: 2, elementSize) }
        default:
            throw HDF5StructureError("fill value message version \(version), expected 1, 2 or 3")
        }
    }

    /// Filter pipeline versions 1-2 (`H5O_pline_decode`): per filter its ID, name length
    /// (version 1, or IDs >= 256), flags, client data count, the name, the client data (and,
    /// in version 1, 4 bytes of padding after an odd count).
    static func filterPipeline(_ body: HDF5Bytes) throws(HDF5StructureError) {
        let version = Int(try body.u8(0)), count = Int(try body.u8(1))
        guard version == 1 || version == 2 else { throw HDF5StructureError("filter pipeline version \(version), expected 1 or 2") }
        guard count <= maxFilters else { throw HDF5StructureError("\(count) filters, expected at most \(maxFilters)") }
        var p = version == 1 ? 8 : 2
        for index in 0..<count {
            let id = Int(try body.uint(p, 2))
            p += 2
            var nameLength = 0
            if version == 1 || id >= 256 {
                nameLength = Int(try body.uint(p, 2))
                p += 2
                guard version == 2 || nameLength % 8 == 0 else {
                    throw HDF5StructureError("filter \(index)'s name length \(nameLength) is not a multiple of 8")
                }
            }
            let values = Int(try body.uint(p + 2, 2))
            p += 4
            if nameLength > 0 {
                guard nameLength <= body.count - p, body.bytes[p..<(p + nameLength)].contains(0) else {
                    throw HDF5StructureError("filter \(index)'s name of \(nameLength) bytes at byte \(p) is not NUL-terminated within the \(body.count)-byte message")
                }
                p += nameLength
            }
            let dataBytes = 4 * values + (version == 1 && values % 2 == 1 ? 4 : 0)
            guard dataBytes <= body.count - p else {
                throw HDF5StructureError("filter \(index)'s \(values) client data values at byte \(p) run past the \(body.count)-byte message")
            }
            p += dataBytes
        }
    }

    /// External file list (`H5O__efl_decode`): version 1, 3 reserved bytes, slots allocated and
    /// used, the local heap holding the names, then per used slot: name offset, file offset, size.
    static func externalFileList(_ body: HDF5Bytes, _ file: borrowing HDF5RawFile, _ superblock: HDF5Superblock) throws(HDF5StructureError) {
        let version = Int(try body.u8(0))
        guard version == 1 else { throw HDF5StructureError("external file list version \(version), expected 1") }
        let allocated = Int(try body.uint(4, 2)), used = Int(try body.uint(6, 2))
        guard allocated >= 1, used <= allocated else {
            throw HDF5StructureError("external file list of \(used) used slots out of \(allocated), expected 1 or more slots, at most all used")
        }
        let o = superblock.sizeOfOffsets, l = superblock.sizeOfLengths
        let heapAddress = try body.uint(8, o)
        let slots = 8 + o
        guard used * 3 * l <= body.count - slots else {
            throw HDF5StructureError("its \(used) slots at byte \(slots) run past the \(body.count)-byte message")
        }
        guard used > 0 else { return }
        let heap = try localHeapData(at: heapAddress, file, superblock)
        for index in 0..<used {
            let offset = try body.uint(slots + 3 * l * index, l)
            guard offset < UInt64(heap.count), heap.bytes[Int(offset)...].contains(0) else {
                throw HDF5StructureError("slot \(index)'s name at local heap offset \(offset) is not a NUL-terminated string inside the \(heap.count)-byte heap")
            }
        }
    }

    /// A local heap (`HEAP`, version 0, 3 reserved bytes, data segment size, free list head,
    /// data segment address): its data segment, inside the file, its free list inside it, without loops.
    static func localHeapData(at address: UInt64, _ file: borrowing HDF5RawFile, _ superblock: HDF5Superblock) throws(HDF5StructureError) -> HDF5Bytes {
        let o = superblock.sizeOfOffsets, l = superblock.sizeOfLengths
        guard let at = superblock.fileOffset(address, within: file.size) else {
            throw HDF5StructureError("its local heap address \(address) lies outside the file")
        }
        let head = try file.read(at, 8 + 2 * l + o, "a local heap header")
        guard head.bytes[0..<4].elementsEqual("HEAP".utf8), try head.u8(4) == 0 else {
            throw HDF5StructureError("the local heap at offset \(at) has no HEAP signature or version 0")
        }
        let size = try head.uint(8, l), freeList = try head.uint(8 + l, l), dataAddress = try head.uint(8 + 2 * l, o)
        guard size <= UInt64(HDF5ObjectHeader.maxBytes), let dataAt = superblock.fileOffset(dataAddress, within: file.size) else {
            throw HDF5StructureError("the local heap at offset \(at) declares a \(size)-byte data segment at \(dataAddress), outside the file or over \(HDF5ObjectHeader.maxBytes) bytes")
        }
        let data = try file.read(dataAt, Int(size), "a local heap data segment")
        // Free blocks: next free block offset (1 = none), size; each inside the segment, in increasing order.
        // libhdf5 1.10 (H5HL__fl_deserialize) follows the list without loop detection, allocating
        // a node per block: a list that comes back to a block it visited never ends.
        var next = freeList, visited: Set<UInt64> = []
        while next != 1, next != HDF5Superblock.undefined(l) {
            guard next <= size, size - next >= UInt64(2 * l) else {
                throw HDF5StructureError("the local heap at offset \(at) has a free block at \(next), outside its \(size)-byte data segment")
            }
            guard visited.insert(next).inserted else {
                throw HDF5StructureError("the local heap at offset \(at) has a free list that loops (block \(next) comes back)")
            }
            let blockSize = try data.uint(Int(next) + l, l)
            guard blockSize <= size - next else {
                throw HDF5StructureError("the local heap at offset \(at) has a free block of \(blockSize) bytes at \(next), past its \(size)-byte data segment")
            }
            next = try data.uint(Int(next), l)
        }
        return data
    }

    /// Layout versions 1-4 (`H5O__layout_decode`).
    static func checkLayout(_ body: HDF5Bytes, _ superblock: HDF5Superblock, rank: Int?) throws(HDF5StructureError) {
        let version = Int(try body.u8(0))
        guard (1...4).contains(version) else { throw HDF5StructureError("layout version \(version), expected 1 to 4") }
        let o = superblock.sizeOfOffsets, l = superblock.sizeOfLengths
        func inside(_ p: Int, _ count: Int, _ what: String) throws(HDF5StructureError) {
            guard count >= 0, p <= body.count, count <= body.count - p else {
                throw HDF5StructureError("its \(what) (\(count) bytes at byte \(p)) runs past the \(body.count)-byte message")
            }
        }
        var chunk: [UInt64]?
        if version < 3 {
            let dims = Int(try body.u8(1)), kind = Int(try body.u8(2))
            guard (1...maxLayoutRank).contains(dims) else { throw HDF5StructureError("layout of \(dims) dimensions, expected 1 to \(maxLayoutRank)") }
            guard kind <= 2 else { throw HDF5StructureError("layout class \(kind), expected 0 (compact), 1 (contiguous) or 2 (chunked)") }
            var p = 8 + (kind == 0 ? 0 : o)
            try inside(p, 4 * dims, "dimensions")
            if kind == 2 { chunk = try (0..<dims).map { (i: Int) throws(HDF5StructureError) -> UInt64 in try body.uint(p + 4 * i, 4) } }
            p += 4 * dims
            if kind == 0 {
                let size = try body.uint(p, 4)
                try compact(size, at: p + 4)
            }
        } else {
            let kind = Int(try body.u8(1))
            switch kind {
            case 0:
                try compact(try body.uint(2, 2), at: 4)
            case 1:
                // Address and size; their agreement with the dataspace is HDF5Safety's read-time check.
                try inside(2, o + l, "contiguous storage address and size")
            case 2 where version == 3:
                let dims = Int(try body.u8(2))
                guard (1...maxLayoutRank).contains(dims) else { throw HDF5StructureError("chunked layout of \(dims) dimensions, expected 1 to \(maxLayoutRank)") }
                try inside(3 + o, 4 * dims, "chunk dimensions")
                chunk = try (0..<dims).map { (i: Int) throws(HDF5StructureError) -> UInt64 in try body.uint(3 + o + 4 * i, 4) }
            case 2:
                let flags = try body.u8(2), dims = Int(try body.u8(3)), width = Int(try body.u8(4))
                guard flags & ~0x03 == 0 else { throw HDF5StructureError("chunked layout flags 0x\(String(flags, radix: 16)), expected bits 0-1 only") }
                guard (1...maxLayoutRank).contains(dims) else { throw HDF5StructureError("chunked layout of \(dims) dimensions, expected 1 to \(maxLayoutRank)") }
                guard (1...8).contains(width) else { throw HDF5StructureError("chunk dimensions of \(width) bytes each, expected 1 to 8") }
                try inside(5, width * dims, "chunk dimensions")
                chunk = try (0..<dims).map { (i: Int) throws(HDF5StructureError) -> UInt64 in try body.uint(5 + width * i, width) }
                var p = 5 + width * dims
                let index = Int(try body.u8(p))
                p += 1
                switch index {
                case 1: p += flags & 0x02 != 0 ? l + 4 : 0  // single chunk: filtered size and mask
                case 2: break  // implicit
                case 3: p += 1  // fixed array: page bits
                case 4: p += 5  // extensible array parameters
                case 5: p += 6  // v2 B-tree: node size, split and merge percentages
                default: throw HDF5StructureError("chunk index type \(index), expected 1 to 5")
                }
                try inside(p, o, "chunk index address")
            case 3 where version == 4:
                var error = HDF5StructureError("is a virtual dataset (its data lives in other datasets or files); refused")
                error.unsupported = true
                throw error
            default:
                throw HDF5StructureError("layout class \(kind), expected 0 (compact), 1 (contiguous) or 2 (chunked)\(version == 4 ? " or 3 (virtual)" : "")")
            }
        }
        if let chunk {
            guard !chunk.contains(0) else { throw HDF5StructureError("chunk dimensions \(chunk) include 0") }
            if let rank, chunk.count != rank + 1 {
                throw HDF5StructureError("chunk dimensions \(chunk) for a dataspace of rank \(rank), expected \(rank + 1) (the last the element size)")
            }
        }

        /// Compact data: `size` bytes at `at`, inside the message, elements x element size.
        func compact(_ size: UInt64, at p: Int) throws(HDF5StructureError) {
            guard size <= UInt64(max(body.count - p, 0)) else {
                throw HDF5StructureError("its compact data of \(size) bytes at byte \(p) runs past the \(body.count)-byte message")
            }
        }
    }
}
