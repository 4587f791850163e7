import Tensors

extension ZIPEntry {
    /// Reads the member's local header (and data descriptor, when the member has one), checks
    /// them against the central directory, and sets `dataOffset`.
    ///
    /// Sizes come from the central directory; the local header must agree with them (through
    /// its ZIP64 extra field when its sizes are 0xFFFFFFFF, as numpy writes every member).
    /// Member data is not read.
    ///
    /// - Parameter limit: where the central directory starts; the member must end before it.
    /// - Returns: every byte the member occupies (header, data, descriptor), for overlap checks.
    mutating func readLocalHeader(
        _ bytes: UnsafeRawBufferPointer, limit: Int, context: ErrorContext
    ) throws(CheckpointError) -> Range<Int> {
        let p = localHeaderOffset
        guard let fixed = bytes.checkedRange(p, 30), fixed.upperBound <= limit else {
            throw context.malformed("local header at offset \(p) lies outside the member area (0..<\(limit))")
        }
        guard bytes.le32(p) == ZIP.localHeaderSignature else {
            throw context.malformed("no local header signature at offset \(p)")
        }
        let nameLength = Int(bytes.le16(p + 26)), extraLength = Int(bytes.le16(p + 28))
        guard let head = bytes.checkedRange(p, 30 + nameLength + extraLength), head.upperBound <= limit else {
            throw context.malformed("local header at offset \(p) is truncated")
        }
        guard bytes.slice((p + 30)..<(p + 30 + nameLength)).elementsEqual(nameBytes) else {
            let local = String(decoding: bytes.slice((p + 30)..<(p + 30 + nameLength)), as: UTF8.self)
            throw context.malformed("local header names '\(local)', the central directory '\(name)'")
        }
        let localFlags = bytes.le16(p + 6)
        let checkedFlags = ZIP.flagEncrypted | ZIP.flagDescriptor | ZIP.flagUTF8
        guard localFlags & checkedFlags == flags & checkedFlags, bytes.le16(p + 8) == method else {
            throw context.malformed("local header flags or compression method differ from the central directory")
        }
        let extra = try ZIP64Extra(extra: bytes.slice((p + 30 + nameLength)..<head.upperBound), context: context)
        dataOffset = head.upperBound
        guard let dataEnd = checkedAdd(dataOffset, compressedSize), dataEnd <= limit else {
            throw context.malformed(
                "\(compressedSize) bytes of data at offset \(dataOffset) run past the member area (0..<\(limit)); "
                    + "the archive is truncated or corrupt")
        }
        if hasDescriptor {
            let end = try checkDescriptor(bytes, at: dataEnd, wide: extra.data != nil, limit: limit, context: context)
            return p..<end
        }
        let csize32 = bytes.le32(p + 18), usize32 = bytes.le32(p + 22)
        let z = try extra.values([usize32 == 0xFFFF_FFFF, csize32 == 0xFFFF_FFFF, false, false], context: context)
        let localUSize = try zipValue(usize32, z[0], what: "uncompressed size", context: context)
        let localCSize = try zipValue(csize32, z[1], what: "compressed size", context: context)
        try Self.agree("local header", "CRC-32", UInt64(bytes.le32(p + 14)), UInt64(crc), context)
        try Self.agree("local header", "compressed size", UInt64(localCSize), UInt64(compressedSize), context)
        try Self.agree("local header", "uncompressed size", UInt64(localUSize), UInt64(uncompressedSize), context)
        return p..<dataEnd
    }

    /// Checks the data descriptor after the data: an optional signature, the CRC, then the
    /// sizes (8 bytes each when the local header has a ZIP64 extra field, else 4).
    private func checkDescriptor(
        _ bytes: UnsafeRawBufferPointer, at offset: Int, wide: Bool, limit: Int, context: ErrorContext
    ) throws(CheckpointError) -> Int {
        var p = offset
        if let r = bytes.checkedRange(p, 4), r.upperBound <= limit, bytes.le32(p) == ZIP.descriptorSignature { p += 4 }
        let width = wide ? 8 : 4
        guard let r = bytes.checkedRange(p, 4 + 2 * width), r.upperBound <= limit else {
            throw context.malformed("data descriptor at offset \(offset) is truncated")
        }
        let csize = wide ? bytes.le64(p + 4) : UInt64(bytes.le32(p + 4))
        let usize = wide ? bytes.le64(p + 12) : UInt64(bytes.le32(p + 8))
        try Self.agree("data descriptor", "CRC-32", UInt64(bytes.le32(p)), UInt64(crc), context)
        try Self.agree("data descriptor", "compressed size", csize, UInt64(compressedSize), context)
        try Self.agree("data descriptor", "uncompressed size", usize, UInt64(uncompressedSize), context)
        return r.upperBound
    }

    /// Throws unless the record's value equals the central directory's (CRCs shown in hex).
    private static func agree(
        _ record: String, _ what: String, _ local: UInt64, _ central: UInt64, _ context: ErrorContext
    ) throws(CheckpointError) {
        guard local != central else { return }
        let show = { (v: UInt64) in what == "CRC-32" ? hex32(UInt32(truncatingIfNeeded: v)) : String(v) }
        throw context.malformed("\(record) declares \(what) \(show(local)), the central directory \(show(central))")
    }
}
