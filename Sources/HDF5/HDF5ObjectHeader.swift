/// The messages of one object header (version 1 or 2), continuation blocks followed, read by
/// vitkit itself so that attributes can be checked before libhdf5 decodes them (the root
/// group's when a file is opened, any object's before its variable-length strings are read).
///
/// Layout (HDF5 File Format Specification 3.0, section IV.A):
/// - v1: version 1, a reserved byte, message count (2), reference count (4), header size (4),
///   4 bytes of padding; messages of type (2), size (2), flags (1), 3 reserved bytes, then the
///   body, every body a multiple of 8 bytes.
/// - v2: `OHDR`, version 2, flags, four timestamps (4 each) if flags bit 5, attribute phase
///   change values (2 each) if bit 4, the size of chunk 0 in 1, 2, 4 or 8 bytes (flags bits
///   0-1); messages of type (1), size (2), flags (1), creation order (2) if flags bit 2, then
///   the body; a checksum closes each chunk. Continuation blocks begin with `OCHK`.
/// A continuation message (type 0x10) holds the block's address and length.
struct HDF5ObjectHeader {
    struct Message {
        var type: Int
        var flags: UInt8
        /// The body, with its file offset.
        var body: HDF5Bytes
        /// File offset of the message's own header.
        var headerOffset: UInt64
    }

    static let continuation = 0x10
    /// At most this many header bytes and continuation blocks are read.
    static let maxBytes = 1 << 24
    static let maxBlocks = 4096

    var version: Int
    var messages: [Message] = []

    /// The object header at relative address `address` (as links and libhdf5 give it), and
    /// its offset in the file.
    ///
    /// - Throws: when the address lies outside the file or the header is damaged.
    static func read(_ file: borrowing HDF5RawFile, address: UInt64, _ superblock: HDF5Superblock)
        throws(HDF5StructureError) -> (header: HDF5ObjectHeader, offset: UInt64) {
        guard let at = superblock.fileOffset(address, within: file.size) else {
            throw HDF5StructureError("its object header address \(address) lies outside the file (\(file.size) bytes)")
        }
        do { return (try read(file, at: at, superblock), at) } catch { throw HDF5StructureError("its object header: \(error.reason)") }
    }

    /// Reads the object header at file offset `at`.
    ///
    /// - Throws: for a version other than 1 or 2, a bad signature, sizes that run past their
    ///   block or the file, continuation blocks that loop, overlap or exceed the limits above.
    static func read(_ file: borrowing HDF5RawFile, at: UInt64, _ superblock: HDF5Superblock) throws(HDF5StructureError) -> HDF5ObjectHeader {
        let first = try file.read(at, min(Int(min(file.size - at, 64)), 64), "the object header")
        var blocks: [(offset: UInt64, bytes: HDF5Bytes, first: Bool)] = []
        let version: Int
        var creationOrder = false
        if first.count >= 4, first.bytes[0..<4].elementsEqual("OHDR".utf8) {
            version = Int(try first.u8(4))
            guard version == 2 else { throw HDF5StructureError("object header at offset \(at) has version \(version) after OHDR, expected 2") }
            let flags = try first.u8(5)
            guard flags & 0xC0 == 0 else { throw HDF5StructureError("object header at offset \(at) has reserved flag bits set (0x\(String(flags, radix: 16)))") }
            creationOrder = flags & 0x04 != 0
            var p = 6 + (flags & 0x20 != 0 ? 16 : 0) + (flags & 0x10 != 0 ? 4 : 0)
            let width = 1 << Int(flags & 0x03)
            let size = try first.uint(p, width)
            p += width
            // Messages, then the 4-byte checksum.
            guard size <= UInt64(maxBytes) else { throw HDF5StructureError("object header at offset \(at) declares \(size) bytes, over the \(maxBytes)-byte limit") }
            let chunk = try file.read(at + UInt64(p), Int(size), "object header chunk 0")
            blocks.append((at, chunk, true))
        } else {
            version = Int(try first.u8(0))
            guard version == 1 else { throw HDF5StructureError("object header at offset \(at) has version \(version), expected 1 (or OHDR for version 2)") }
            let size = try first.uint(8, 4)
            guard size <= UInt64(maxBytes) else { throw HDF5StructureError("object header at offset \(at) declares \(size) bytes, over the \(maxBytes)-byte limit") }
            blocks.append((at, try file.read(at + 16, Int(size), "object header chunk 0"), true))
        }
        var header = HDF5ObjectHeader(version: version)
        var total = 0
        var visited: Set<UInt64> = [at]
        var index = 0
        while index < blocks.count {
            let block = blocks[index]
            index += 1
            total += block.bytes.count
            guard total <= maxBytes, blocks.count <= maxBlocks else {
                throw HDF5StructureError("object header at offset \(at) spans more than \(maxBytes) bytes or \(maxBlocks) blocks")
            }
            for message in try messages(in: block.bytes, version: version, creationOrder: creationOrder, firstChunk: block.first) {
                header.messages.append(message)
                guard message.type == continuation else { continue }
                let address = try message.body.uint(0, superblock.sizeOfOffsets)
                let length = try message.body.uint(superblock.sizeOfOffsets, superblock.sizeOfLengths)
                guard let offset = superblock.fileOffset(address, within: file.size), length <= UInt64(maxBytes) else {
                    throw HDF5StructureError("continuation message at offset \(message.headerOffset) points to \(address) (\(length) bytes), outside the file")
                }
                guard visited.insert(offset).inserted else {
                    throw HDF5StructureError("continuation message at offset \(message.headerOffset) points back to block \(offset) (a loop)")
                }
                blocks.append((offset, try file.read(offset, Int(length), "an object header continuation block"), false))
            }
        }
        return header
    }

    /// The messages of one block (chunk 0's message area, or a continuation block).
    private static func messages(in block: HDF5Bytes, version: Int, creationOrder: Bool, firstChunk: Bool) throws(HDF5StructureError) -> [Message] {
        var result: [Message] = []
        var p = 0
        var end = block.count
        if version == 2 {
            if !firstChunk {
                guard block.count >= 8, block.bytes[0..<4].elementsEqual("OCHK".utf8) else {
                    throw HDF5StructureError("continuation block at offset \(block.offset) does not start with OCHK")
                }
                p = 4
                end -= 4  // checksum
            }
            // Chunk 0's size excludes its checksum; a gap smaller than a message header may close the chunk.
            let headerSize = creationOrder ? 6 : 4
            while end - p >= headerSize {
                let type = Int(try block.u8(p)), size = Int(try block.uint(p + 1, 2)), flags = try block.u8(p + 3)
                let bodyAt = p + headerSize
                let body = try checkedBody(block, bodyAt, size, at: p)
                guard bodyAt + size <= end else { throw bodyError(block, p, size) }
                result.append(Message(type: type, flags: flags, body: body, headerOffset: block.offset + UInt64(p)))
                p = bodyAt + size
            }
        } else {
            while end - p >= 8 {
                let type = Int(try block.uint(p, 2)), size = Int(try block.uint(p + 2, 2)), flags = try block.u8(p + 4)
                guard size % 8 == 0 else {
                    throw HDF5StructureError("message at offset \(block.offset + UInt64(p)) has size \(size), not a multiple of 8 as version 1 headers require")
                }
                let body = try checkedBody(block, p + 8, size, at: p)
                result.append(Message(type: type, flags: flags, body: body, headerOffset: block.offset + UInt64(p)))
                p += 8 + size
            }
            guard p == end else { throw HDF5StructureError("object header block at offset \(block.offset) ends inside a message header") }
        }
        return result
    }

    private static func checkedBody(_ block: HDF5Bytes, _ at: Int, _ size: Int, at header: Int) throws(HDF5StructureError) -> HDF5Bytes {
        guard at + size <= block.count else { throw bodyError(block, header, size) }
        return try block.slice(at, size)
    }

    private static func bodyError(_ block: HDF5Bytes, _ header: Int, _ size: Int) -> HDF5StructureError {
        HDF5StructureError("message at offset \(block.offset + UInt64(header)) declares \(size) bytes, past the end of its object header block")
    }
}
