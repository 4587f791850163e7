/// A fractal heap (`FRHP`) read by vitkit itself, to fetch the attribute messages an object
/// keeps in dense storage; only what libhdf5 1.10 writes for attributes is supported: managed
/// objects in unfiltered direct blocks, under a root direct or indirect block.
///
/// Layout (HDF5 File Format Specification 3.0, section III.G; libhdf5 `H5HFcache.c`,
/// `H5HFdtable.c`, `H5HFman.c`):
/// - header: `FRHP`, version 0, heap ID length (2), I/O filter length (2), flags (bit 1:
///   direct blocks carry a checksum), maximum managed object size (4), next huge ID (L), huge
///   object B-tree (O), free space (L), free-space manager (O), managed space (L), allocated
///   managed space (L), allocation iterator offset (L), managed objects (L), huge size (L),
///   huge objects (L), tiny size (L), tiny objects (L), table width (2), starting block size
///   (L), maximum direct block size (L), maximum heap size in bits (2), starting root rows (2),
///   root block address (O), current root rows (2; 0: the root is a direct block), then filter
///   information if any, and a checksum.
/// - a doubling table: rows 0 and 1 hold blocks of the starting size, each later row blocks of
///   twice the size of the row before; `width` blocks per row. Rows of blocks up to the
///   maximum direct size are direct blocks, larger ones indirect blocks.
/// - indirect block: `FHIB`, version 0, heap header address (O), block offset in the heap
///   (maximum heap size / 8 bytes), one address per entry (rows x width), checksum.
/// - direct block: `FHDB`, version 0, heap header address (O), block offset, checksum if the
///   header's flag says so, then objects; an object's heap offset counts from the start of its
///   block, header included.
/// - managed heap ID: a flag byte (bits 4-5: 0 managed, 1 huge, 2 tiny), the heap offset
///   (maximum heap size / 8 bytes), the length (bytes for log2 of the smaller of the maximum
///   direct block size and the maximum managed object size).
struct HDF5FractalHeap {
    /// Address of the header as stored in the heap's blocks (relative to the base address).
    var address: UInt64
    var flags: UInt8
    var maxManagedSize: UInt64
    var managedSize: UInt64
    var width: Int
    var startBlockSize: UInt64
    var maxDirectSize: UInt64
    var maxIndex: Int
    var rootAddress: UInt64
    var rootRows: Int

    var offsetSize: Int { (maxIndex + 7) / 8 }
    var lengthSize: Int { min(Self.bytes(forBits: Self.log2(maxDirectSize)), Self.bytes(forBits: Self.log2(maxManagedSize))) }
    var startBits: Int { Self.log2(startBlockSize) }
    var firstRowBits: Int { startBits + Self.log2(UInt64(width)) }
    var maxDirectRows: Int { Self.log2(maxDirectSize) - startBits + 2 }
    var directChecksum: Bool { flags & 0x02 != 0 }

    /// Reads the header at relative address `address`.
    ///
    /// - Throws: for a bad signature or version, I/O filters, or doubling-table parameters
    ///   libhdf5 would not create (sizes not powers of two, more rows than the heap allows).
    static func read(_ file: borrowing HDF5RawFile, at address: UInt64, _ superblock: HDF5Superblock) throws(HDF5StructureError) -> HDF5FractalHeap {
        let o = superblock.sizeOfOffsets, l = superblock.sizeOfLengths
        guard let offset = superblock.fileOffset(address, within: file.size) else {
            throw HDF5StructureError("the fractal heap address \(address) lies outside the file")
        }
        let size = 4 + 1 + 2 + 2 + 1 + 4 + l + o + l + o + 8 * l + 2 + l + l + 2 + 2 + o + 2 + 4
        let h = try file.read(offset, size, "the fractal heap header")
        guard h.bytes[0..<4].elementsEqual("FRHP".utf8) else { throw HDF5StructureError("no fractal heap header (FRHP) at offset \(offset)") }
        let version = try h.u8(4)
        guard version == 0 else { throw HDF5StructureError("the fractal heap at offset \(offset) has version \(version), expected 0") }
        guard try h.uint(7, 2) == 0 else {
            throw HDF5StructureError("the fractal heap at offset \(offset) uses I/O filters; vitkit reads only unfiltered heaps")
        }
        var p = 9
        let flags = try h.u8(p)
        p += 1
        let maxManaged = try h.uint(p, 4)
        p += 4 + l + o + l + o  // next huge ID, huge B-tree, free space, free-space manager
        let managedSize = try h.uint(p, l)
        p += 8 * l  // managed, allocated, iterator, managed objects, huge size/count, tiny size/count
        let width = try h.uint(p, 2)
        let start = try h.uint(p + 2, l)
        let maxDirect = try h.uint(p + 2 + l, l)
        let maxIndex = try h.uint(p + 2 + 2 * l, 2)
        let root = try h.uint(p + 2 + 2 * l + 4, o)
        let rootRows = try h.uint(p + 2 + 2 * l + 4 + o, 2)
        let heap = HDF5FractalHeap(address: address, flags: flags, maxManagedSize: maxManaged, managedSize: managedSize,
                                   width: Int(width), startBlockSize: start, maxDirectSize: maxDirect, maxIndex: Int(maxIndex),
                                   rootAddress: root, rootRows: Int(rootRows))
        let heapName = "the fractal heap at offset \(offset)"
        guard Self.isPowerOfTwo(width), Self.isPowerOfTwo(start), Self.isPowerOfTwo(maxDirect), start <= maxDirect,
              Self.isPowerOfTwo(maxManaged), maxManaged <= maxDirect else {
            throw HDF5StructureError("\(heapName) has table width \(width), block sizes \(start) to \(maxDirect), objects up to \(maxManaged) bytes: not powers of two in order")
        }
        guard maxIndex <= 64, heap.maxIndex > heap.firstRowBits, rootRows <= UInt64(heap.maxIndex - heap.firstRowBits + 1) else {
            throw HDF5StructureError("\(heapName) has a \(maxIndex)-bit address space and \(rootRows) root rows, inconsistent with its \(start)-byte blocks \(width) wide")
        }
        return heap
    }

    /// The bytes of the managed object with heap ID `id`.
    ///
    /// - Throws: for huge and tiny objects (not supported), an offset or length libhdf5 would
    ///   refuse, a block missing or outside the file, a block whose signature, heap address or
    ///   offset is not the expected one, or an object running past its block.
    func object(_ id: HDF5Bytes, _ file: borrowing HDF5RawFile, _ superblock: HDF5Superblock) throws(HDF5StructureError) -> HDF5Bytes {
        let flag = try id.u8(0)
        guard flag & 0xC0 == 0 else { throw HDF5StructureError("fractal heap ID version \(flag >> 6), expected 0") }
        guard flag & 0x30 == 0 else {
            throw HDF5StructureError("a \(flag & 0x30 == 0x10 ? "huge" : "tiny") fractal heap object; vitkit reads only managed ones")
        }
        let heapOffset = try id.uint(1, offsetSize)
        let length = try id.uint(1 + offsetSize, lengthSize)
        guard heapOffset > 0, heapOffset <= managedSize, length > 0, length <= maxManagedSize else {
            throw HDF5StructureError("fractal heap object at heap offset \(heapOffset) of \(length) bytes lies outside the heap's \(managedSize) managed bytes")
        }
        var block = (address: rootAddress, size: startBlockSize, offset: UInt64(0))
        if rootRows > 0 {
            block = try directBlock(containing: heapOffset, file, superblock)
        }
        guard let at = superblock.fileOffset(block.address, within: file.size) else {
            throw HDF5StructureError("fractal heap direct block address \(block.address) lies outside the file")
        }
        let overhead = 4 + 1 + superblock.sizeOfOffsets + offsetSize + (directChecksum ? 4 : 0)
        let (end, overflow) = at.addingReportingOverflow(block.size)
        guard !overflow, end <= file.size else {
            throw HDF5StructureError("the \(block.size)-byte fractal heap direct block at offset \(at) runs past the end of the file (\(file.size) bytes)")
        }
        let head = try file.read(at, overhead, "a fractal heap direct block")
        guard head.bytes[0..<4].elementsEqual("FHDB".utf8), try head.u8(4) == 0 else {
            throw HDF5StructureError("no fractal heap direct block (FHDB version 0) at offset \(at)")
        }
        guard try head.uint(5, superblock.sizeOfOffsets) == address, try head.uint(5 + superblock.sizeOfOffsets, offsetSize) == block.offset else {
            throw HDF5StructureError("the fractal heap direct block at offset \(at) names another heap or heap offset")
        }
        let inBlock = heapOffset - block.offset
        guard inBlock >= UInt64(overhead), inBlock < block.size, length <= block.size - inBlock else {
            throw HDF5StructureError("fractal heap object at heap offset \(heapOffset) of \(length) bytes runs outside its \(block.size)-byte direct block")
        }
        return try file.read(at + inBlock, Int(length), "a fractal heap object")
    }

    /// Walks indirect blocks from the root to the direct block holding `heapOffset`.
    private func directBlock(containing heapOffset: UInt64, _ file: borrowing HDF5RawFile, _ superblock: HDF5Superblock) throws(HDF5StructureError) -> (address: UInt64, size: UInt64, offset: UInt64) {
        var iblock = (address: rootAddress, rows: rootRows, offset: UInt64(0))
        for _ in 0..<64 {
            let entries = try indirectEntries(iblock.address, rows: iblock.rows, blockOffset: iblock.offset, file, superblock)
            let (row, col) = lookup(heapOffset - iblock.offset)
            guard row < iblock.rows else {
                throw HDF5StructureError("fractal heap offset \(heapOffset) lies beyond the rows of its indirect block")
            }
            let entry = entries[row * width + col]
            guard entry != HDF5Superblock.undefined(superblock.sizeOfOffsets) else {
                throw HDF5StructureError("fractal heap offset \(heapOffset) lies in a block never allocated")
            }
            let childOffset = iblock.offset + rowBlockOffset(row) + rowBlockSize(row) * UInt64(col)
            if row < maxDirectRows { return (entry, rowBlockSize(row), childOffset) }
            let rows = Self.log2(rowBlockSize(row)) - firstRowBits + 1
            guard rows >= 1, rows < iblock.rows else { throw HDF5StructureError("fractal heap indirect block at \(entry) is not smaller than its parent") }
            iblock = (entry, rows, childOffset)
        }
        throw HDF5StructureError("fractal heap indirect blocks nest too deep")
    }

    /// The child addresses of the indirect block at `address` with `rows` rows.
    private func indirectEntries(_ address: UInt64, rows: Int, blockOffset: UInt64, _ file: borrowing HDF5RawFile,
                                 _ superblock: HDF5Superblock) throws(HDF5StructureError) -> [UInt64] {
        let o = superblock.sizeOfOffsets
        guard let at = superblock.fileOffset(address, within: file.size) else {
            throw HDF5StructureError("fractal heap indirect block address \(address) lies outside the file")
        }
        let count = rows * width
        let b = try file.read(at, 4 + 1 + o + offsetSize + count * o + 4, "a fractal heap indirect block")
        guard b.bytes[0..<4].elementsEqual("FHIB".utf8), try b.u8(4) == 0 else {
            throw HDF5StructureError("no fractal heap indirect block (FHIB version 0) at offset \(at)")
        }
        guard try b.uint(5, o) == self.address, try b.uint(5 + o, offsetSize) == blockOffset else {
            throw HDF5StructureError("the fractal heap indirect block at offset \(at) names another heap or heap offset")
        }
        var entries: [UInt64] = []
        for i in 0..<count { entries.append(try b.uint(5 + o + offsetSize + i * o, o)) }
        return entries
    }

    /// Row and column of `offset` within an indirect block (`H5HF__dtable_lookup`).
    private func lookup(_ offset: UInt64) -> (Int, Int) {
        if offset < startBlockSize * UInt64(width) { return (0, Int(offset / startBlockSize)) }
        let high = 63 - offset.leadingZeroBitCount
        let row = high - firstRowBits + 1
        return (row, Int((offset - (UInt64(1) << high)) / rowBlockSize(row)))
    }

    private func rowBlockSize(_ row: Int) -> UInt64 { row == 0 ? startBlockSize : startBlockSize << (row - 1) }
    private func rowBlockOffset(_ row: Int) -> UInt64 { row == 0 ? 0 : (startBlockSize * UInt64(width)) << (row - 1) }

    static func isPowerOfTwo(_ v: UInt64) -> Bool { v > 0 && v & (v - 1) == 0 }
    static func log2(_ v: UInt64) -> Int { v == 0 ? 0 : 63 - v.leadingZeroBitCount }
    static func bytes(forBits bits: Int) -> Int { (bits + 7) / 8 }
}
