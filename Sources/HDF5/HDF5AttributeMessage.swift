/// A structural check of an attribute message (type 0x000C), strict enough that libhdf5 1.10
/// decodes every message that passes: its compact attribute table frees uninitialised entries
/// when any message fails to decode (Fuzz/findings/hdf5-attr-release-uninit.h5).
///
/// Layout (HDF5 File Format Specification 3.0, section IV.A.2.m): version (1, 2 or 3); a
/// reserved byte (v1) or flags (v2, v3: bit 0 datatype shared, bit 1 dataspace shared); name
/// size, datatype size, dataspace size (2 bytes each); v3 only: the name's character set
/// (0 ASCII, 1 UTF-8); the NUL-terminated name, the datatype, the dataspace (v1: each padded
/// to a multiple of 8); then the data, elements x datatype size bytes.
struct HDF5AttributeMessage {
    static let type = 0x000C
    static let maxNesting = 16

    var name: String
    /// Bit 0: the datatype field is a shared-message reference; bit 1: the dataspace field is.
    var flags: UInt8
    var datatype: HDF5Bytes
    /// Elements in the dataspace (0 for a null dataspace); nil when the dataspace is shared.
    var elements: UInt64?
    /// Everything after the dataspace: the data (elements x element size), then any padding.
    var data: HDF5Bytes

    /// Checks `body` and returns the attribute's name, datatype and data.
    ///
    /// - Throws: naming the field, what was expected and what was found.
    init(_ body: HDF5Bytes, _ superblock: HDF5Superblock) throws(HDF5StructureError) {
        let version = Int(try body.u8(0))
        guard (1...3).contains(version) else { throw HDF5StructureError("version \(version), expected 1, 2 or 3") }
        let flags = try body.u8(1)
        guard version == 1 ? flags == 0 : flags & ~0x03 == 0 else {
            throw HDF5StructureError("flags 0x\(String(flags, radix: 16)), expected \(version == 1 ? "0 (reserved)" : "bits 0-1 only")")
        }
        let nameSize = Int(try body.uint(2, 2)), typeSize = Int(try body.uint(4, 2)), spaceSize = Int(try body.uint(6, 2))
        if version == 3 {
            let encoding = try body.u8(8)
            guard encoding <= 1 else { throw HDF5StructureError("name character set \(encoding), expected 0 (ASCII) or 1 (UTF-8)") }
        }
        let pad = { (n: Int) -> Int in version == 1 ? (hdf5Align8(n) ?? Int.max) : n }
        var p = version == 3 ? 9 : 8
        guard nameSize >= 1 else { throw HDF5StructureError("name size 0, expected at least 1 (the name ends in NUL)") }
        let nameBytes = try Self.field(body, p, nameSize, pad(nameSize), "name")
        guard nameBytes.bytes.last == 0, !nameBytes.bytes.dropLast().contains(0) else {
            throw HDF5StructureError("name of \(nameSize) bytes is not one NUL-terminated string")
        }
        name = String(decoding: nameBytes.bytes.dropLast(), as: UTF8.self)
        p += pad(nameSize)
        let typeBytes = try Self.field(body, p, typeSize, pad(typeSize), "datatype")
        p += pad(typeSize)
        let spaceBytes = try Self.field(body, p, spaceSize, pad(spaceSize), "dataspace")
        p += pad(spaceSize)
        let sharedType = flags & 0x01 != 0, sharedSpace = flags & 0x02 != 0
        let elementSize = sharedType ? nil : try HDF5DatatypeCheck.check(typeBytes, depth: 0)
        let elements = sharedSpace ? nil : try HDF5DataspaceCheck.elements(spaceBytes, superblock)
        self.flags = flags
        datatype = typeBytes
        self.elements = elements
        data = try body.slice(p, body.count - p)
        if let elementSize, let elements {
            let (bytes, overflow) = elements.multipliedReportingOverflow(by: UInt64(elementSize))
            guard !overflow, bytes <= UInt64(body.count - p) else {
                throw HDF5StructureError("data of \(elements) elements x \(elementSize) bytes does not fit in the \(body.count - p) bytes left in the message")
            }
        }
    }

    private static func field(_ body: HDF5Bytes, _ at: Int, _ size: Int, _ padded: Int, _ what: String) throws(HDF5StructureError) -> HDF5Bytes {
        guard padded <= body.count - at else {
            throw HDF5StructureError("\(what) of \(size) bytes at byte \(at) runs past the \(body.count)-byte message")
        }
        return try body.slice(at, size)
    }
}

/// Datatype message checks (section IV.A.2.d): class and version, size, and the properties
/// of each class present in full; returns the element size in bytes.
enum HDF5DatatypeCheck {
    static func check(_ t: HDF5Bytes, depth: Int) throws(HDF5StructureError) -> Int {
        guard depth <= HDF5AttributeMessage.maxNesting else { throw HDF5StructureError("datatype nests deeper than \(HDF5AttributeMessage.maxNesting) levels") }
        let (consumed, size) = try parse(t, 0, depth: depth)
        guard consumed <= t.count else { throw HDF5StructureError("datatype needs \(consumed) bytes, its field has \(t.count)") }
        return size
    }

    /// Parses the datatype at `at`; returns (bytes it occupies, element size).
    static func parse(_ t: HDF5Bytes, _ at: Int, depth: Int) throws(HDF5StructureError) -> (Int, Int) {
        guard depth <= HDF5AttributeMessage.maxNesting else { throw HDF5StructureError("datatype nests deeper than \(HDF5AttributeMessage.maxNesting) levels") }
        let head = try t.u8(at)
        let typeClass = Int(head & 0x0F), version = Int(head >> 4)
        // libhdf5 1.10 decodes datatype versions 1-3 and classes 0-10.
        guard (1...3).contains(version) else { throw HDF5StructureError("datatype version \(version), expected 1, 2 or 3") }
        let bits = try t.uint(at + 1, 3)
        let size = Int(try t.uint(at + 4, 4))
        let p = at + 8
        let properties: Int
        switch typeClass {
        case 0, 4: properties = 4  // fixed-point, bitfield: bit offset, precision
        case 1: properties = 12  // float: offsets, sizes, exponent bias
        case 2: properties = 2  // time: precision
        case 3, 7: properties = 0  // string, reference
        case 5:  // opaque: an ASCII tag of (bits & 0xFF) bytes
            properties = Int(bits & 0xFF)
        case 6: return try compound(t, p, members: Int(bits & 0xFFFF), version: version, size: size, depth: depth)
        case 8:  // enum: base type, names, values
            let (baseBytes, baseSize) = try parse(t, p, depth: depth + 1)
            var q = p + baseBytes
            for _ in 0..<Int(bits & 0xFFFF) { q = try name(t, q, padded: version < 3) }
            let (values, overflow) = Int(bits & 0xFFFF).multipliedReportingOverflow(by: baseSize)
            guard !overflow else { throw HDF5StructureError("enum values overflow") }
            _ = try t.slice(q, values)
            return (q + values - at, size)
        case 9:  // variable-length: base type
            let (baseBytes, _) = try parse(t, p, depth: depth + 1)
            return (8 + baseBytes, size)
        case 10:  // array: rank, (v2: 3 reserved), dimensions, (v2: permutation), base type
            let rank = Int(try t.u8(p))
            guard rank >= 1, rank <= 32 else { throw HDF5StructureError("array datatype of rank \(rank), expected 1 to 32") }
            let q = p + (version < 3 ? 4 + 8 * rank : 1 + 4 * rank)
            let (baseBytes, _) = try parse(t, q, depth: depth + 1)
            return (q + baseBytes - at, size)
        default: throw HDF5StructureError("datatype class \(typeClass), expected 0 to 10")
        }
        _ = try t.slice(p, properties)  // present in full
        return (8 + properties, size)
    }

    /// Compound members: name, byte offset, (v1: dimension info), member type.
    private static func compound(_ t: HDF5Bytes, _ p: Int, members: Int, version: Int, size: Int, depth: Int) throws(HDF5StructureError) -> (Int, Int) {
        var q = p
        let offsetWidth = size < 1 << 8 ? 1 : size < 1 << 16 ? 2 : size < 1 << 24 ? 3 : 4
        for _ in 0..<members {
            q = try name(t, q, padded: version < 3)
            q += version < 3 ? 4 : offsetWidth
            if version == 1 { q += 28 }  // dimensionality, reserved, permutation, reserved, 4 dimensions
            let (memberBytes, _) = try parse(t, q, depth: depth + 1)
            q += memberBytes
        }
        return (q - (p - 8), size)
    }

    /// Skips a NUL-terminated name (padded to a multiple of 8 before version 3).
    private static func name(_ t: HDF5Bytes, _ at: Int, padded: Bool) throws(HDF5StructureError) -> Int {
        guard at >= 0, at < t.count, let nul = t.bytes[at...].firstIndex(of: 0) else {
            throw HDF5StructureError("datatype member name at byte \(at) is not NUL-terminated within the datatype")
        }
        let length = nul - at + 1
        return at + (padded ? (hdf5Align8(length) ?? Int.max / 2) : length)
    }
}

/// Dataspace message checks (section IV.A.2.b): version 1 or 2, rank at most 32, every field
/// present; returns the element count (0 for a null dataspace, 1 for a scalar).
enum HDF5DataspaceCheck {
    static func elements(_ s: HDF5Bytes, _ superblock: HDF5Superblock) throws(HDF5StructureError) -> UInt64 {
        let version = Int(try s.u8(0)), rank = Int(try s.u8(1)), flags = try s.u8(2)
        guard version == 1 || version == 2 else { throw HDF5StructureError("dataspace version \(version), expected 1 or 2") }
        guard rank <= 32 else { throw HDF5StructureError("dataspace of rank \(rank), expected at most 32") }
        var kind = rank == 0 ? 0 : 1  // scalar, simple
        if version == 2 {
            kind = Int(try s.u8(3))
            guard kind <= 2 else { throw HDF5StructureError("dataspace type \(kind), expected 0 (scalar), 1 (simple) or 2 (null)") }
        }
        let start = version == 1 ? 8 : 4
        let width = superblock.sizeOfLengths
        var count: UInt64 = 1
        for i in 0..<rank {
            let (c, overflow) = count.multipliedReportingOverflow(by: try s.uint(start + i * width, width))
            guard !overflow else { throw HDF5StructureError("dataspace dimensions overflow") }
            count = c
        }
        if flags & 0x01 != 0 { _ = try s.slice(start + rank * width, rank * width) }  // maximum dimensions
        return kind == 2 ? 0 : count
    }
}
