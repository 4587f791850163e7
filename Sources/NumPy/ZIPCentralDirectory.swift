import Tensors

/// The central directory of a ZIP archive: where it is and the members it declares.
///
/// Reading it touches only the end of the file (the end records and the directory itself),
/// never member data. Multi-disk archives, data prepended before the archive, encryption and
/// compression methods other than stored and deflate are refused.
struct ZIPCentralDirectory {
    var entries: [ZIPEntry]
    /// First byte of the directory: every member must end before it.
    var offset: Int

    init(_ bytes: UnsafeRawBufferPointer, context: ErrorContext) throws(CheckpointError) {
        let end = try Self.findEnd(bytes, context: context)
        var count = Int(bytes.le16(end + 10))
        var size = Int(bytes.le32(end + 12))
        var offset = Int(bytes.le32(end + 16))
        var recordsStart = end
        guard bytes.le16(end + 4) == 0, bytes.le16(end + 6) == 0, bytes.le16(end + 8) == bytes.le16(end + 10) else {
            throw context.unsupported("multi-disk ZIP archives are not supported")
        }
        if end >= 20, bytes.le32(end - 20) == ZIP.zip64LocatorSignature {
            let locator = end - 20
            let z = bytes.le64(locator + 8)
            guard bytes.le32(locator + 4) == 0, bytes.le32(locator + 16) <= 1,
                let zOffset = Int(exactly: z), let r = bytes.checkedRange(zOffset, 56), r.upperBound <= locator,
                bytes.le32(zOffset) == ZIP.zip64EndSignature
            else { throw context.malformed("the ZIP64 end-of-central-directory locator points to no ZIP64 record") }
            guard bytes.le32(zOffset + 16) == 0, bytes.le32(zOffset + 20) == 0,
                bytes.le64(zOffset + 24) == bytes.le64(zOffset + 32)
            else { throw context.unsupported("multi-disk ZIP archives are not supported") }
            guard let c = Int(exactly: bytes.le64(zOffset + 32)), let s = Int(exactly: bytes.le64(zOffset + 40)),
                let o = Int(exactly: bytes.le64(zOffset + 48))
            else { throw context.malformed("the ZIP64 end record declares sizes beyond 2^63") }
            (count, size, offset, recordsStart) = (c, s, o, zOffset)
        }
        guard let dirEnd = checkedAdd(offset, size), dirEnd == recordsStart else {
            throw context.malformed(
                "the central directory (\(size) bytes at offset \(offset)) does not end where the end records "
                    + "start (\(recordsStart))")
        }
        self.offset = offset
        self.entries = try Self.readEntries(bytes, range: offset..<dirEnd, count: count, context: context)
    }

    /// The offset of the end-of-central-directory record, searched backwards over the largest
    /// possible comment; its comment must reach exactly to the end of the file.
    static func findEnd(_ bytes: UnsafeRawBufferPointer, context: ErrorContext) throws(CheckpointError) -> Int {
        guard bytes.count >= 22 else {
            throw context.malformed("\(bytes.count) bytes is too short for a ZIP archive (at least 22)")
        }
        var p = bytes.count - 22
        let lowest = max(0, p - 0xFFFF)
        while p >= lowest {
            if bytes.le32(p) == ZIP.endSignature, Int(bytes.le16(p + 20)) == bytes.count - p - 22 { return p }
            p -= 1
        }
        if bytes.count >= 6, bytes.le32(0) == 0x4D55_4E93, bytes.le16(4) == 0x5950 {
            throw context.malformed("this is an .npy file, not an .npz (ZIP) archive")
        }
        throw context.malformed("not a ZIP archive: no end-of-central-directory record (truncated or not an .npz?)")
    }

    static func readEntries(
        _ bytes: UnsafeRawBufferPointer, range: Range<Int>, count: Int, context: ErrorContext
    ) throws(CheckpointError) -> [ZIPEntry] {
        var entries: [ZIPEntry] = []
        var p = range.lowerBound
        for i in 0..<count {
            guard let fixed = bytes.checkedRange(p, 46), fixed.upperBound <= range.upperBound,
                bytes.le32(p) == ZIP.centralHeaderSignature
            else {
                throw context.malformed("central directory entry \(i) of \(count) is truncated or has a bad signature")
            }
            let nameLength = Int(bytes.le16(p + 28)), extraLength = Int(bytes.le16(p + 30))
            let commentLength = Int(bytes.le16(p + 32))
            let variable = nameLength + extraLength + commentLength
            guard let whole = bytes.checkedRange(p, 46 + variable), whole.upperBound <= range.upperBound else {
                throw context.malformed("central directory entry \(i) of \(count) runs past the directory")
            }
            let name = try decodeZIPName(bytes.slice((p + 46)..<(p + 46 + nameLength)), context: context)
            let member = context.member(name)
            let extra = try ZIP64Extra(
                extra: bytes.slice((p + 46 + nameLength)..<(p + 46 + nameLength + extraLength)), context: member)
            let usize32 = bytes.le32(p + 24), csize32 = bytes.le32(p + 20), offset32 = bytes.le32(p + 42)
            let disk16 = bytes.le16(p + 34)
            let z = try extra.values(
                [usize32 == 0xFFFF_FFFF, csize32 == 0xFFFF_FFFF, offset32 == 0xFFFF_FFFF, disk16 == 0xFFFF],
                context: member)
            guard (z[3] ?? UInt64(disk16)) == 0 else { throw member.unsupported("member is on another disk") }
            let entry = ZIPEntry(
                name: name, nameBytes: Array(bytes.slice((p + 46)..<(p + 46 + nameLength))),
                flags: bytes.le16(p + 8), method: bytes.le16(p + 10), crc: bytes.le32(p + 16),
                compressedSize: try zipValue(csize32, z[1], what: "compressed size", context: member),
                uncompressedSize: try zipValue(usize32, z[0], what: "uncompressed size", context: member),
                localHeaderOffset: try zipValue(offset32, z[2], what: "local header offset", context: member))
            try validate(entry, context: member)
            entries.append(entry)
            p = whole.upperBound
        }
        guard p == range.upperBound else {
            throw context.malformed(
                "the central directory has \(range.upperBound - p) bytes after its \(count) entries")
        }
        return entries
    }

    static func validate(_ entry: ZIPEntry, context: ErrorContext) throws(CheckpointError) {
        if entry.flags & (ZIP.flagEncrypted | ZIP.flagStrongEncryption) != 0 {
            throw context.unsupported("member is encrypted")
        }
        switch entry.method {
        case ZIP.stored:
            guard entry.compressedSize == entry.uncompressedSize else {
                throw context.malformed(
                    "stored member declares \(entry.compressedSize) compressed but "
                        + "\(entry.uncompressedSize) uncompressed bytes")
            }
        case ZIP.deflated:
            // Zip-bomb guard, before anything is allocated: deflate cannot expand further.
            let limit =
                checkedAdd(checkedMultiply(entry.compressedSize, ZIP.maxDeflateRatio) ?? Int.max, 1024) ?? Int.max
            guard entry.uncompressedSize <= limit else {
                throw context.malformed(
                    "declares \(entry.uncompressedSize) uncompressed bytes from \(entry.compressedSize) compressed "
                        + "bytes, more than deflate can produce (at most \(ZIP.maxDeflateRatio):1)")
            }
        default:
            throw context.unsupported("compression method \(entry.method) (only stored and deflate are supported)")
        }
    }
}
