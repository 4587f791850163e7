import Tensors

/// A streaming ZIP writer on top of `AtomicFileWriter`, laid out as Python's `zipfile` (and
/// so numpy) writes archives: every local header carries a ZIP64 extra field with the sizes
/// (the 32-bit fields hold 0xFFFFFFFF); the central directory and end records use ZIP64 only
/// when a value needs it.
///
/// Stored members are written with their CRC and sizes up front (the CRC is computed over
/// the data first). Deflated members cannot know their compressed size in advance and the
/// output cannot seek back, so they set flag bit 3 and are followed by a ZIP64 data
/// descriptor, exactly as Python's zipfile writes to an unseekable stream.
/// Only the central-directory records (a few dozen bytes per member) are kept in memory.
final class ZIPWriter {
    let out: AtomicFileWriter
    private var central: [UInt8] = []
    private var count = 0
    /// Python's `zipfile.ZIP64_LIMIT`: larger values go into ZIP64 fields.
    static let limit = (1 << 31) - 1

    init(path: String) throws(CheckpointError) {
        out = try AtomicFileWriter(destination: path)
    }

    /// Adds a stored member whose content is the concatenation of `pieces`.
    func addStored(name: String, pieces: [UnsafeRawBufferPointer]) throws(CheckpointError) {
        let size = pieces.reduce(0) { $0 + $1.count }
        let crc = pieces.reduce(UInt32(0)) { CRC32.update($0, $1) }
        let offset = out.offset
        try out.write(
            localHeader(name: name, flags: 0, method: ZIP.stored, crc: crc, size: UInt64(size), csize: UInt64(size)))
        for piece in pieces { try out.write(piece) }
        addCentral(name: name, flags: 0, method: ZIP.stored, crc: crc, size: size, csize: size, offset: offset)
    }

    /// Adds a deflated member whose content is the concatenation of `pieces`.
    func addDeflated(name: String, pieces: [UnsafeRawBufferPointer]) throws(CheckpointError) {
        let offset = out.offset
        try out.write(
            localHeader(name: name, flags: ZIP.flagDescriptor, method: ZIP.deflated, crc: 0, size: 0, csize: 0))
        let deflater = try Deflater(file: out.destination)
        let sink = { (b: UnsafeRawBufferPointer) throws(CheckpointError) in try self.out.write(b) }
        var crc: UInt32 = 0
        var size = 0
        for piece in pieces {
            // In slices, so the CRC pass and the compressor share what is in cache.
            var rest = piece
            while !rest.isEmpty {
                let n = min(rest.count, 1 << 20)
                let slice = UnsafeRawBufferPointer(rebasing: rest[0..<n])
                crc = CRC32.update(crc, slice)
                try deflater.compress(slice, sink: sink)
                rest = UnsafeRawBufferPointer(rebasing: rest[n...])
            }
            size += piece.count
        }
        try deflater.finish(sink: sink)
        var descriptor: [UInt8] = []
        descriptor.appendLE(ZIP.descriptorSignature)
        descriptor.appendLE(crc)
        descriptor.appendLE(UInt64(deflater.produced))
        descriptor.appendLE(UInt64(size))
        try out.write(descriptor)
        addCentral(
            name: name, flags: ZIP.flagDescriptor, method: ZIP.deflated, crc: crc, size: size,
            csize: deflater.produced, offset: offset)
    }

    /// Writes the central directory and end records, then commits the file.
    func finish() throws(CheckpointError) {
        let start = out.offset
        try out.write(central)
        let size = central.count
        var end: [UInt8] = []
        if count > 0xFFFF || start > Self.limit || size > Self.limit {
            let record = out.offset
            end.appendLE(ZIP.zip64EndSignature)
            end.appendLE(UInt64(44))
            end.appendLE(UInt16(45)); end.appendLE(UInt16(45))
            end.appendLE(UInt32(0)); end.appendLE(UInt32(0))
            end.appendLE(UInt64(count)); end.appendLE(UInt64(count))
            end.appendLE(UInt64(size)); end.appendLE(UInt64(start))
            end.appendLE(ZIP.zip64LocatorSignature)
            end.appendLE(UInt32(0)); end.appendLE(UInt64(record)); end.appendLE(UInt32(1))
        }
        end.appendLE(ZIP.endSignature)
        end.appendLE(UInt16(0)); end.appendLE(UInt16(0))
        end.appendLE(UInt16(min(count, 0xFFFF))); end.appendLE(UInt16(min(count, 0xFFFF)))
        end.appendLE(UInt32(min(size, 0xFFFF_FFFF))); end.appendLE(UInt32(min(start, 0xFFFF_FFFF)))
        end.appendLE(UInt16(0))
        try out.write(end)
        try out.commit()
    }

    /// Version 4.5 (ZIP64), DOS date 1980-01-01 00:00 (reproducible output), ZIP64 extra with
    /// both sizes.
    private func localHeader(name: String, flags: UInt16, method: UInt16, crc: UInt32, size: UInt64, csize: UInt64)
        -> [UInt8]
    {
        var h: [UInt8] = []
        h.appendLE(ZIP.localHeaderSignature)
        h.appendLE(UInt16(45))
        h.appendLE(flags | Self.nameFlag(name))
        h.appendLE(method)
        h.appendLE(UInt16(0)); h.appendLE(UInt16(0x21))
        h.appendLE(crc)
        h.appendLE(UInt32(0xFFFF_FFFF)); h.appendLE(UInt32(0xFFFF_FFFF))
        h.appendLE(UInt16(name.utf8.count)); h.appendLE(UInt16(20))
        h += name.utf8
        h.appendLE(ZIP.zip64ExtraID); h.appendLE(UInt16(16))
        h.appendLE(size); h.appendLE(csize)
        return h
    }

    private func addCentral(
        name: String, flags: UInt16, method: UInt16, crc: UInt32, size: Int, csize: Int, offset: Int
    ) {
        var extra: [UInt8] = []
        for v in [size, csize, offset] where v > Self.limit { extra.appendLE(UInt64(v)) }
        var h: [UInt8] = []
        h.appendLE(ZIP.centralHeaderSignature)
        h.appendLE(UInt16(0x032D)); h.appendLE(UInt16(45))  // made by: Unix, 4.5
        h.appendLE(flags | Self.nameFlag(name))
        h.appendLE(method)
        h.appendLE(UInt16(0)); h.appendLE(UInt16(0x21))
        h.appendLE(crc)
        h.appendLE(Self.field(csize)); h.appendLE(Self.field(size))
        h.appendLE(UInt16(name.utf8.count)); h.appendLE(UInt16(extra.isEmpty ? 0 : extra.count + 4))
        h.appendLE(UInt16(0)); h.appendLE(UInt16(0)); h.appendLE(UInt16(0))
        h.appendLE(UInt32(0o600 << 16))  // external attributes: -rw-------, as zipfile
        h.appendLE(Self.field(offset))
        h += name.utf8
        if !extra.isEmpty {
            h.appendLE(ZIP.zip64ExtraID); h.appendLE(UInt16(extra.count))
            h += extra
        }
        central += h
        count += 1
    }

    private static func field(_ v: Int) -> UInt32 { v > limit ? 0xFFFF_FFFF : UInt32(v) }
    private static func nameFlag(_ name: String) -> UInt16 { name.utf8.allSatisfy { $0 < 0x80 } ? 0 : ZIP.flagUTF8 }
}
