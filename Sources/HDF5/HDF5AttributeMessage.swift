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

    /// The attribute's name, message version and flags, checked (the fields before the datatype).
    static func name(_ body: HDF5Bytes) throws(HDF5StructureError) -> (name: String, version: Int, flags: UInt8) {
        let version = Int(try body.u8(0))
        guard (1...3).contains(version) else { throw HDF5StructureError("version \(version), expected 1, 2 or 3") }
        let flags = try body.u8(1)
        guard version == 1 ? flags == 0 : flags & ~0x03 == 0 else {
            throw HDF5StructureError("flags 0x\(String(flags, radix: 16)), expected \(version == 1 ? "0 (reserved)" : "bits 0-1 only")")
        }
        let nameSize = Int(try body.uint(2, 2))
        if version == 3 {
            let encoding = try body.u8(8)
            guard encoding <= 1 else { throw HDF5StructureError("name character set \(encoding), expected 0 (ASCII) or 1 (UTF-8)") }
        }
        guard nameSize >= 1 else { throw HDF5StructureError("name size 0, expected at least 1 (the name ends in NUL)") }
        let padded = version == 1 ? (hdf5Align8(nameSize) ?? Int.max) : nameSize
        let nameBytes = try field(body, version == 3 ? 9 : 8, nameSize, padded, "name")
        guard nameBytes.bytes.last == 0, !nameBytes.bytes.dropLast().contains(0) else {
            throw HDF5StructureError("name of \(nameSize) bytes is not one NUL-terminated string")
        }
        return (String(decoding: nameBytes.bytes.dropLast(), as: UTF8.self), version, flags)
    }

    /// Checks `body` and returns the attribute's name, datatype and data.
    ///
    /// - Throws: naming the field, what was expected and what was found.
    init(_ body: HDF5Bytes, _ superblock: HDF5Superblock) throws(HDF5StructureError) {
        let (name, version, flags) = try Self.name(body)
        self.name = name
        let nameSize = Int(try body.uint(2, 2)), typeSize = Int(try body.uint(4, 2)), spaceSize = Int(try body.uint(6, 2))
        let pad = { (n: Int) -> Int in version == 1 ? (hdf5Align8(n) ?? Int.max) : n }
        var p = (version == 3 ? 9 : 8) + pad(nameSize)
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
