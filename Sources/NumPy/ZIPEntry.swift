import Tensors

/// ZIP record signatures and limits (PKWARE APPNOTE 6.3).
enum ZIP {
    static let localHeaderSignature: UInt32 = 0x0403_4B50
    static let centralHeaderSignature: UInt32 = 0x0201_4B50
    static let endSignature: UInt32 = 0x0605_4B50
    static let zip64EndSignature: UInt32 = 0x0606_4B50
    static let zip64LocatorSignature: UInt32 = 0x0706_4B50
    static let descriptorSignature: UInt32 = 0x0807_4B50
    static let zip64ExtraID: UInt16 = 0x0001
    static let stored: UInt16 = 0
    static let deflated: UInt16 = 8
    static let flagEncrypted: UInt16 = 0x0001
    static let flagDescriptor: UInt16 = 0x0008
    static let flagStrongEncryption: UInt16 = 0x0040
    static let flagUTF8: UInt16 = 0x0800
    /// deflate emits at most 258 bytes per 2 bits: no stream expands further than this.
    static let maxDeflateRatio = 1032
}

/// One member as the central directory declares it, plus where its data starts.
struct ZIPEntry: Sendable {
    var name: String
    var nameBytes: [UInt8]
    var flags: UInt16
    var method: UInt16
    var crc: UInt32
    var compressedSize: Int
    var uncompressedSize: Int
    var localHeaderOffset: Int
    /// First byte of the member's (compressed) data; set from the local header.
    var dataOffset = 0

    /// The member's compressed bytes in the archive (valid once `dataOffset` is set).
    var dataRange: Range<Int> { dataOffset..<(dataOffset + compressedSize) }
    var isDeflated: Bool { method == ZIP.deflated }
    var hasDescriptor: Bool { flags & ZIP.flagDescriptor != 0 }
}

/// The ZIP64 extended-information extra field (id 1) of a header, if present.
///
/// Its 8-byte values appear only for the header fields that hold the 0xFFFFFFFF marker, in the
/// fixed order uncompressed size, compressed size, local header offset, disk number.
struct ZIP64Extra {
    var data: UnsafeRawBufferPointer?

    /// Walks the extra fields in `extra` the way Python's zipfile does: records of
    /// (id u16, size u16, data); a record running past the end is an error; fewer than four
    /// trailing bytes are ignored.
    init(extra: UnsafeRawBufferPointer, context: ErrorContext) throws(CheckpointError) {
        var p = 0
        while extra.count - p >= 4 {
            let id = extra.le16(p)
            let size = Int(extra.le16(p + 2))
            guard let r = extra.checkedRange(p + 4, size) else {
                throw context.malformed("extra field 0x\(String(id, radix: 16)) of \(size) bytes runs past its header")
            }
            if id == ZIP.zip64ExtraID {
                guard data == nil else { throw context.malformed("two ZIP64 extra fields") }
                data = extra.slice(r)
            }
            p = r.upperBound
        }
    }

    /// Reads the 64-bit values for the fields that `markers` says are replaced, in order.
    /// Returns one value per marker: the replacement where the marker is set, else nil.
    func values(_ markers: [Bool], context: ErrorContext) throws(CheckpointError) -> [UInt64?] {
        var out: [UInt64?] = []
        var p = 0
        for (i, needed) in markers.enumerated() {
            guard needed else { out.append(nil); continue }
            let width = i == 3 ? 4 : 8
            guard let data, let r = data.checkedRange(p, width) else {
                throw context.malformed("a size or offset is 0xFFFFFFFF but the ZIP64 extra field does not hold it")
            }
            out.append(width == 8 ? data.le64(r.lowerBound) : UInt64(data.le32(r.lowerBound)))
            p = r.upperBound
        }
        return out
    }
}

/// A 32-bit field, or its ZIP64 replacement, as an `Int`.
func zipValue(_ field: UInt32, _ replacement: UInt64?, what: String, context: ErrorContext) throws(CheckpointError)
    -> Int
{
    let v = replacement ?? UInt64(field)
    guard let i = Int(exactly: v) else { throw context.malformed("\(what) \(v) is too large") }
    return i
}

/// Member names: UTF-8 when flagged (or when plain ASCII); anything else is refused.
func decodeZIPName(_ bytes: UnsafeRawBufferPointer, context: ErrorContext) throws(CheckpointError) -> String {
    let name = String(decoding: bytes, as: UTF8.self)
    guard name.utf8.elementsEqual(bytes) else {
        throw context.malformed("a member name is not valid UTF-8")
    }
    guard !name.isEmpty, !name.utf8.contains(0) else {
        throw context.malformed("a member name is empty or contains a NUL byte")
    }
    return name
}
