import Tensors

/// vitkit's own structural check of an object's header, run before libhdf5 opens the object
/// (`H5Oopen`): libhdf5 1.10 decodes a dataset's datatype, dataspace, fill value, filter
/// pipeline, external file list and layout messages trusting their counts and sizes, and
/// copied 2 x 3,080,193 enum values out of a 40-byte datatype message
/// (Fuzz/findings/hdf5-enum-base-size.h5: ASan heap-buffer-overflow in H5O_msg_read <- H5D_open).
///
/// The header (v1/v2, continuation blocks) is read with `pread` at the address the link gives
/// (`chdf5_link_address`, without opening the object), and every message libhdf5 decodes when
/// it opens a dataset is checked against what libhdf5's decoder (`H5Odtype.c`, `H5Osdspace.c`,
/// `H5Ofill.c`, `H5Opline.c`, `H5Oefl.c`, `H5Olayout.c`) will read or copy:
/// - datatype (0x0003): `HDF5DatatypeCheck` (nested types, enum names and values, compound
///   members inside the message); a committed datatype's own header is checked the same way;
/// - dataspace (0x0001): version 1-2, rank <= 32, dimensions inside the message;
/// - fill value (0x0004, 0x0005): a defined value inside the message and of the datatype's size;
/// - filter pipeline (0x000B): version 1-2, at most 32 filters, names and client data inside;
/// - external file list (0x0007): slots inside the message, names inside the local heap;
/// - layout (0x0008): version 1-4, rank, class, index parameters inside the message, compact
///   data inside it (libhdf5 copies it), chunk dimensions >= 1 (libhdf5 divides by them), one
///   more than the dataspace's rank; virtual layouts are refused. Whether the storage holds the
///   declared bytes stays `HDF5Safety.checkRawStorage`'s check before `H5Dread`.
enum HDF5ObjectCheck {
    static let dataspace = 0x0001, datatype = 0x0003, oldFill = 0x0004, fill = 0x0005
    static let externalFiles = 0x0007, layout = 0x0008, pipeline = 0x000B
    static let sharedFlag: UInt8 = 0x02
    /// libhdf5's limits: H5S_MAX_RANK + 1 layout dimensions, H5Z_MAX_NFILTERS filters.
    static let maxLayoutRank = 33
    static let maxFilters = 32

    /// Checks the header at relative address `address` of the object at `location`.
    ///
    /// - Throws: `.malformed` ("cannot be opened safely: ...") naming the file, the object, the
    ///   message and what is wrong; `.unsupported` for messages in the shared message heap;
    ///   `.unsupportedDType` for a datatype newer than libhdf5 1.10 decodes (the walk skips it).
    static func check(address: UInt64, at location: HDF5Location) throws(CheckpointError) {
        do throws(HDF5StructureError) {
            let file = try HDF5RawFile(path: location.file)
            let superblock = try HDF5Superblock.read(file)
            let (header, at) = try HDF5ObjectHeader.read(file, address: address, superblock)
            do { try check(header, file, superblock) } catch {
                var error = error.prefixed("its object header (offset \(at))")
                // No layout message: a named (committed) datatype, not a dataset.
                if let newer = error.newerDatatype, !header.messages.contains(where: { $0.type == layout }) {
                    error.newerDatatype = "named datatype (not a dataset): \(newer)"
                }
                throw error
            }
            do { try HDF5GroupCheck.check(header, file, superblock) } catch { throw error.prefixed("its group's link storage (object header at offset \(at))") }
        } catch {
            if let newer = error.newerDatatype {
                throw .unsupportedDType(file: location.file, tensor: location.object, dtype: newer)
            }
            if error.unsupported { throw location.unsupported(error.reason) }
            throw location.malformed("cannot be opened safely: \(error.reason)")
        }
    }

    /// Checks the messages of `header` (see the type's documentation).
    static func check(_ header: HDF5ObjectHeader, _ file: borrowing HDF5RawFile, _ superblock: HDF5Superblock) throws(HDF5StructureError) {
        var elementSize: Int?
        var rank: Int?
        let checked: [Int: String] = [dataspace: "dataspace", datatype: "datatype", oldFill: "old fill value", fill: "fill value",
                                      externalFiles: "external file list", layout: "layout", pipeline: "filter pipeline"]
        for message in header.messages {
            guard let name = checked[message.type] else { continue }
            let place = "\(name) message at offset \(message.headerOffset)"
            if message.flags & sharedFlag != 0 {
                guard message.type == datatype else {
                    var error = HDF5StructureError("its \(place) is shared (kept in the shared message heap); not supported")
                    error.unsupported = true
                    throw error
                }
                do {
                    let size = try committedDatatype(message.body, file, superblock)
                    if elementSize == nil { elementSize = size }
                } catch { throw error.prefixed("\(place) (a committed datatype)") }
                continue
            }
            do {
                switch message.type {
                case dataspace:
                    _ = try HDF5DataspaceCheck.elements(message.body, superblock)
                    if rank == nil { rank = Int(try message.body.u8(1)) }
                case datatype:
                    let size = try HDF5DatatypeCheck.check(message.body, depth: 0)
                    if elementSize == nil { elementSize = size }
                case oldFill:
                    try fillValue(message.body, at: 0, elementSize)
                case fill:
                    try newFillValue(message.body, elementSize)
                case externalFiles:
                    try externalFileList(message.body, file, superblock)
                case layout:
                    break  // after the loop, with the dataspace and datatype
                case pipeline:
                    try filterPipeline(message.body)
                default:
                    break
                }
            } catch {
                throw error.prefixed(place)
            }
        }
        // Messages may come in any order: the layout is checked against the first dataspace and datatype.
        for message in header.messages where message.type == layout {
            do {
                try checkLayout(message.body, superblock, rank: rank)
            } catch {
                throw error.prefixed("layout message at offset \(message.headerOffset)")
            }
        }
    }

    /// A committed datatype (shared message versions 1-3 naming an object header): its header's
    /// datatype message is checked; returns its element size.
    private static func committedDatatype(_ body: HDF5Bytes, _ file: borrowing HDF5RawFile, _ superblock: HDF5Superblock) throws(HDF5StructureError) -> Int {
        let version = Int(try body.u8(0)), kind = Int(try body.u8(1))
        let addressAt: Int
        switch version {
        case 1: addressAt = 8
        case 2: addressAt = 2
        case 3:
            guard kind == 2 else {
                var error = HDF5StructureError("it is kept in the shared message heap (shared message type \(kind)); not supported")
                error.unsupported = true
                throw error
            }
            addressAt = 2
        default: throw HDF5StructureError("shared message version \(version), expected 1, 2 or 3")
        }
        let address = try body.uint(addressAt, superblock.sizeOfOffsets)
        guard let at = superblock.fileOffset(address, within: file.size) else {
            throw HDF5StructureError("its object header address \(address) lies outside the file")
        }
        let header = try HDF5ObjectHeader.read(file, at: at, superblock)
        let messages = header.messages.filter { $0.type == datatype }
        guard let message = messages.first else { throw HDF5StructureError("the object header at offset \(at) has no datatype message") }
        for message in messages {
            guard message.flags & sharedFlag == 0 else {
                throw HDF5StructureError("the datatype message at offset \(message.headerOffset) of the committed datatype is itself shared")
            }
            do { _ = try HDF5DatatypeCheck.check(message.body, depth: 0) } catch {
                throw error.prefixed("datatype message at offset \(message.headerOffset)")
            }
        }
        return try HDF5DatatypeCheck.check(message.body, depth: 0)
    }

    /// A fill value of a signed 32-bit size at `at`, then that many bytes (none when <= 0).
    private static func fillValue(_ body: HDF5Bytes, at: Int, _ elementSize: Int?) throws(HDF5StructureError) {
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
    private static func newFillValue(_ body: HDF5Bytes, _ elementSize: Int?) throws(HDF5StructureError) {
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
    private static func filterPipeline(_ body: HDF5Bytes) throws(HDF5StructureError) {
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
    private static func externalFileList(_ body: HDF5Bytes, _ file: borrowing HDF5RawFile, _ superblock: HDF5Superblock) throws(HDF5StructureError) {
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
    private static func checkLayout(_ body: HDF5Bytes, _ superblock: HDF5Superblock, rank: Int?) throws(HDF5StructureError) {
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
