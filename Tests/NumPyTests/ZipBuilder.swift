@testable import NumPy

/// An independent ZIP writer for tests, with a knob for every field a malicious or broken
/// archive might get wrong. Defaults reproduce numpy's layout (ZIP64 local extra on every
/// member, 32-bit central directory).
struct ZipMember {
    var name: String
    /// Uncompressed content.
    var content: [UInt8]
    var deflate = false
    /// Local sizes as 0xFFFFFFFF with a ZIP64 extra field (what numpy writes).
    var zip64Local = true
    /// Central sizes and offset as 0xFFFFFFFF with a ZIP64 extra field.
    var zip64Central = false
    /// Flag bit 3 with a data descriptor after the data.
    var descriptor = false
    var compressed: [UInt8]? = nil
    var method: UInt16? = nil
    var flags: UInt16 = 0
    var localName: String? = nil
    var centralCRC: UInt32? = nil
    var localCRC: UInt32? = nil
    var centralUSize: UInt64? = nil
    var centralCSize: UInt64? = nil
    var localUSize: UInt64? = nil
    var localCSize: UInt64? = nil
    /// Central offset to use instead of the real one.
    var centralOffset: UInt64? = nil

    init(_ name: String, _ content: [UInt8], deflate: Bool = false) {
        self.name = name
        self.content = content
        self.deflate = deflate
    }
}

struct ZipBuilder {
    var members: [ZipMember]
    /// Write ZIP64 end records even when not needed.
    var zip64End = false
    var comment: [UInt8] = []

    init(_ members: [ZipMember]) { self.members = members }

    func build() throws -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        for m in members {
            let data = try m.compressed ?? (m.deflate ? deflateRaw(m.content) : m.content)
            let crc = crc32(m.content)
            let method = m.method ?? (m.deflate ? 8 : 0)
            let flags = m.flags | (m.descriptor ? 8 : 0)
            let offset = UInt64(out.count)
            let usize = UInt64(m.content.count), csize = UInt64(data.count)
            // Local header.
            let lname = Array((m.localName ?? m.name).utf8)
            out.appendLE(UInt32(0x0403_4B50)); out.appendLE(UInt16(45)); out.appendLE(flags); out.appendLE(method)
            out.appendLE(UInt16(0)); out.appendLE(UInt16(0x21))
            let lu = m.descriptor ? 0 : (m.localUSize ?? usize), lc = m.descriptor ? 0 : (m.localCSize ?? csize)
            out.appendLE(m.descriptor ? 0 : (m.localCRC ?? crc))
            if m.zip64Local {
                out.appendLE(UInt32(0xFFFF_FFFF)); out.appendLE(UInt32(0xFFFF_FFFF))
            } else {
                out.appendLE(UInt32(truncatingIfNeeded: lc)); out.appendLE(UInt32(truncatingIfNeeded: lu))
            }
            out.appendLE(UInt16(lname.count)); out.appendLE(UInt16(m.zip64Local ? 20 : 0))
            out += lname
            if m.zip64Local { out.appendLE(UInt16(1)); out.appendLE(UInt16(16)); out.appendLE(lu); out.appendLE(lc) }
            out += data
            if m.descriptor {
                out.appendLE(UInt32(0x0807_4B50)); out.appendLE(m.localCRC ?? crc)
                if m.zip64Local {
                    out.appendLE(m.localCSize ?? csize); out.appendLE(m.localUSize ?? usize)
                } else {
                    out.appendLE(UInt32(truncatingIfNeeded: m.localCSize ?? csize))
                    out.appendLE(UInt32(truncatingIfNeeded: m.localUSize ?? usize))
                }
            }
            // Central directory entry.
            let name = Array(m.name.utf8)
            let cu = m.centralUSize ?? usize, cc = m.centralCSize ?? csize, co = m.centralOffset ?? offset
            central.appendLE(UInt32(0x0201_4B50)); central.appendLE(UInt16(0x032D)); central.appendLE(UInt16(45))
            central.appendLE(flags); central.appendLE(method); central.appendLE(UInt16(0));
            central.appendLE(UInt16(0x21))
            central.appendLE(m.centralCRC ?? crc)
            if m.zip64Central {
                central.appendLE(UInt32(0xFFFF_FFFF)); central.appendLE(UInt32(0xFFFF_FFFF))
            } else {
                central.appendLE(UInt32(truncatingIfNeeded: cc)); central.appendLE(UInt32(truncatingIfNeeded: cu))
            }
            central.appendLE(UInt16(name.count)); central.appendLE(UInt16(m.zip64Central ? 28 : 0))
            central.appendLE(UInt16(0)); central.appendLE(UInt16(0)); central.appendLE(UInt16(0))
            central.appendLE(UInt32(0o600 << 16))
            central.appendLE(m.zip64Central ? UInt32(0xFFFF_FFFF) : UInt32(truncatingIfNeeded: co))
            central += name
            if m.zip64Central {
                central.appendLE(UInt16(1)); central.appendLE(UInt16(24))
                central.appendLE(cu); central.appendLE(cc); central.appendLE(co)
            }
        }
        let start = out.count
        out += central
        if zip64End {
            let record = out.count
            out.appendLE(UInt32(0x0606_4B50)); out.appendLE(UInt64(44)); out.appendLE(UInt16(45));
            out.appendLE(UInt16(45))
            out.appendLE(UInt32(0)); out.appendLE(UInt32(0))
            out.appendLE(UInt64(members.count)); out.appendLE(UInt64(members.count))
            out.appendLE(UInt64(central.count)); out.appendLE(UInt64(start))
            out.appendLE(UInt32(0x0706_4B50)); out.appendLE(UInt32(0)); out.appendLE(UInt64(record));
            out.appendLE(UInt32(1))
        }
        out.appendLE(UInt32(0x0605_4B50)); out.appendLE(UInt16(0)); out.appendLE(UInt16(0))
        let n = zip64End ? 0xFFFF : UInt16(members.count)
        out.appendLE(n); out.appendLE(n)
        out.appendLE(zip64End ? 0xFFFF_FFFF : UInt32(central.count))
        out.appendLE(zip64End ? 0xFFFF_FFFF : UInt32(start))
        out.appendLE(UInt16(comment.count))
        return out + comment
    }
}
