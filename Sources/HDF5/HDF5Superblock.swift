/// The fields of an HDF5 superblock (versions 0 to 3) that locate the root group.
///
/// Layout (HDF5 File Format Specification 3.0, section II.A): the 8-byte signature
/// `\x89HDF\r\n\x1a\n` at offset 0, 512, 1024, 2048... (a user block may precede it), then:
/// - v0/v1: versions of the free-space storage, root symbol table entry and shared header
///   (1 byte each), a reserved byte, size of offsets, size of lengths, a reserved byte, group
///   leaf and internal node K (2 each), consistency flags (4), v1 only: indexed storage K (2)
///   and 2 reserved bytes; then base address, free-space address, end-of-file address, driver
///   information address, and the root group's symbol table entry (link name offset, object
///   header address, ...).
/// - v2/v3: size of offsets, size of lengths, consistency flags (1 byte each), base address,
///   superblock extension address, end-of-file address, root group object header address,
///   checksum.
package struct HDF5Superblock {
    static let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]

    var version: Int
    /// File offset of the superblock.
    var location: UInt64
    var sizeOfOffsets: Int
    var sizeOfLengths: Int
    /// Addresses in the file are relative to this file offset: the superblock's own location, as
    /// libhdf5 takes it whatever base address the superblock records.
    var baseAddress: UInt64
    /// File offset (base address applied) of the root group's object header.
    var rootObjectHeader: UInt64
    /// The end of file the superblock records (an absolute file offset), moved as libhdf5 moves it
    /// when the recorded base address is not the superblock's location; the file is at least this long.
    var endOfFile: UInt64
    /// Group leaf node K (a symbol table node holds at most 2K entries) and internal node K (a
    /// group v1 B-tree node at most 2K children); v2/v3 superblocks keep them in the extension,
    /// so there they are nil (only the 16-bit field bound applies).
    var groupLeafK: Int? = nil
    var groupInternalK: Int? = nil

    /// Where a superblock signature may start in a file of `fileSize` bytes: 0, 512, 1024,
    /// 2048, ... (a user block may precede it), each with 8 bytes to hold it.
    package static func signatureOffsets(fileSize: UInt64) -> [UInt64] {
        var offsets: [UInt64] = []
        var at: UInt64 = 0
        while fileSize >= 8, at <= fileSize - 8 {
            offsets.append(at)
            at = at == 0 ? 512 : at * 2
        }
        return offsets
    }

    /// Whether `bytes` (a whole file) holds a superblock signature at one of `signatureOffsets`.
    package static func hasSignature(_ bytes: UnsafeRawBufferPointer) -> Bool {
        signatureOffsets(fileSize: UInt64(bytes.count)).contains { at in
            (0..<8).allSatisfy { bytes[Int(at) + $0] == signature[$0] }
        }
    }

    /// The "undefined address" of `width` bytes (all ones).
    static func undefined(_ width: Int) -> UInt64 { width >= 8 ? .max : (UInt64(1) << (8 * width)) - 1 }

    /// Finds and parses the superblock of `file`.
    ///
    /// - Throws: when no signature is found, the version is not 0...3, the offset or length
    ///   size is not 2, 4 or 8, the file is shorter than the end of file recorded (truncated),
    ///   or the root object header address is undefined or outside the file.
    static func read(_ file: borrowing HDF5RawFile) throws(HDF5StructureError) -> HDF5Superblock {
        var found: UInt64?
        for at in signatureOffsets(fileSize: file.size) where try file.read(at, 8, "the superblock signature").bytes == signature {
            found = at
            break
        }
        guard let location = found else { throw HDF5StructureError("no HDF5 superblock signature") }
        let head = try file.read(location, min(Int(file.size - location), 96), "the superblock")
        let version = Int(try head.u8(8))
        guard version <= 3 else { throw HDF5StructureError("superblock version \(version), expected 0, 1, 2 or 3") }
        let offsetsAt = version <= 1 ? 13 : 9
        let offsets = Int(try head.u8(offsetsAt)), lengths = Int(try head.u8(offsetsAt + 1))
        for (name, size) in [("offsets", offsets), ("lengths", lengths)] where ![2, 4, 8].contains(size) {
            throw HDF5StructureError("superblock size of \(name) is \(size), expected 2, 4 or 8")
        }
        let base: UInt64, root: UInt64, eof: UInt64
        var leafK: Int?, internalK: Int?
        switch version {
        case 0, 1:
            leafK = Int(try head.uint(16, 2))
            internalK = Int(try head.uint(18, 2))
            let addresses = version == 0 ? 24 : 28
            base = try head.uint(addresses, offsets)
            eof = try head.uint(addresses + 2 * offsets, offsets)
            // Four addresses (base, free space, EOF, driver info), then the root entry's link name offset.
            root = try head.uint(addresses + 5 * offsets, offsets)
        default:
            base = try head.uint(12, offsets)
            eof = try head.uint(12 + 2 * offsets, offsets)
            root = try head.uint(12 + 3 * offsets, offsets)
        }
        // libhdf5 (H5F__super_read) ignores a recorded base address that differs from where the
        // superblock is: addresses count from the superblock, and the recorded end of file (an
        // absolute offset) moves by the difference, modulo 2^64. An all-ones base or end of file
        // decodes as HADDR_UNDEF (2^64 - 1, whatever the size of offsets) and takes part in the
        // same arithmetic and test: libhdf5 1.10.8 refuses an undefined end of file as truncated.
        let recordedBase = base == undefined(offsets) ? UInt64.max : base
        let recordedEOF = eof == undefined(offsets) ? UInt64.max : eof
        let storedEOF = recordedEOF &- recordedBase &+ location
        // libhdf5's own test (H5Fsuper.c), with its wording: the file ends before its recorded end.
        if file.size < storedEOF {
            let undefinedNote = eof == undefined(offsets) ? " (recorded as the undefined address)" : ""
            throw HDF5StructureError("truncated file: it has \(file.size) bytes but its superblock records an end of file at \(storedEOF)\(undefinedNote) (base address \(location))")
        }
        guard root != undefined(offsets) else { throw HDF5StructureError("the superblock has no root group address") }
        let (at, overflow) = location.addingReportingOverflow(root)
        guard !overflow, at < file.size else {
            throw HDF5StructureError("the root group's object header address \(root) (base \(location)) lies beyond the end of the file (\(file.size) bytes)")
        }
        return HDF5Superblock(version: version, location: location, sizeOfOffsets: offsets, sizeOfLengths: lengths,
                              baseAddress: location, rootObjectHeader: at, endOfFile: storedEOF,
                              groupLeafK: leafK, groupInternalK: internalK)
    }

    /// File offset of `address` (relative to the base address), or nil when undefined or past `size`.
    func fileOffset(_ address: UInt64, within size: UInt64) -> UInt64? {
        guard address != Self.undefined(sizeOfOffsets) else { return nil }
        let (at, overflow) = baseAddress.addingReportingOverflow(address)
        return overflow || at >= size ? nil : at
    }
}
