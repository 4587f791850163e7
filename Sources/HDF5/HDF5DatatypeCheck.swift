/// Datatype message checks (section IV.A.2.d), strict enough that libhdf5 1.10's decoder
/// (`H5O_dtype_decode_helper`, which trusts every count and size) reads and copies only bytes
/// inside the datatype: class and version, size, each class's properties present in full,
/// member and enum names NUL-terminated (and padded, before version 3) inside it, nested
/// types decoded recursively; returns the element size in bytes.
enum HDF5DatatypeCheck {
    static func check(_ t: HDF5Bytes, depth: Int) throws(HDF5StructureError) -> Int {
        guard depth <= HDF5AttributeMessage.maxNesting else { throw HDF5StructureError("datatype nests deeper than \(HDF5AttributeMessage.maxNesting) levels") }
        let (consumed, size) = try parse(t, 0, depth: depth)
        guard consumed <= t.count else { throw HDF5StructureError("datatype needs \(consumed) bytes, its field has \(t.count)") }
        return size
    }

    static let classNames = ["fixed-point", "floating-point", "time", "string", "bitfield", "opaque", "compound",
                             "reference", "enum", "variable-length", "array"]

    /// A datatype libhdf5 1.10 cannot decode, in plain words: HDF5 1.12 and later write
    /// version 4 (enum, compound, array... under `libver='latest'`), HDF5 2.0 adds class 11 (complex).
    static func newerDatatype(version: Int, typeClass: Int) -> String {
        let name = typeClass < classNames.count ? classNames[typeClass] : typeClass == 11 ? "complex" : "class \(typeClass)"
        let writer = typeClass == 11 ? "HDF5 2.0's complex number type" : "HDF5 datatype version \(version) (HDF5 1.12 or newer with libver='latest')"
        return "\(name), stored as \(writer), which libhdf5 1.10 cannot decode"
    }

    /// Parses the datatype at `at`; returns (bytes it occupies, element size).
    static func parse(_ t: HDF5Bytes, _ at: Int, depth: Int) throws(HDF5StructureError) -> (Int, Int) {
        let (bytes, size, _) = try parseClass(t, at, depth: depth)
        return (bytes, size)
    }

    /// `parse`, with the datatype's class.
    static func parseClass(_ t: HDF5Bytes, _ at: Int, depth: Int) throws(HDF5StructureError) -> (Int, Int, Int) {
        guard depth <= HDF5AttributeMessage.maxNesting else { throw HDF5StructureError("datatype nests deeper than \(HDF5AttributeMessage.maxNesting) levels") }
        guard at >= 0, at + 8 <= t.count else {
            throw HDF5StructureError("datatype at byte \(at) needs 8 bytes of header, the datatype has \(t.count)")
        }
        let head = try t.u8(at)
        let typeClass = Int(head & 0x0F), version = Int(head >> 4)
        // libhdf5 1.10 decodes datatype versions 1-3 and classes 0-10.
        if version > 3 || typeClass == 11 {
            var error = HDF5StructureError("datatype version \(version) of class \(typeClass), newer than libhdf5 1.10 decodes")
            error.newerDatatype = newerDatatype(version: version, typeClass: typeClass)
            throw error
        }
        guard (1...3).contains(version) else { throw HDF5StructureError("datatype version \(version), expected 1, 2 or 3") }
        guard typeClass <= 10 else { throw HDF5StructureError("datatype class \(typeClass), expected 0 to 10") }
        let bits = try t.uint(at + 1, 3)
        let size = Int(try t.uint(at + 4, 4))
        let name = classNames[typeClass]
        guard size >= 1 else { throw HDF5StructureError("\(name) datatype at byte \(at) has size 0") }
        let p = at + 8
        let properties: Int
        switch typeClass {
        case 0, 4:  // fixed-point, bitfield: bit offset, precision
            properties = 4
            try present(t, p, properties, name, at)
            try bitField(offset: Int(try t.uint(p, 2)), precision: Int(try t.uint(p + 2, 2)), size: size, name, at)
        case 1:  // float: bit offset, precision, exponent location and size, mantissa location and size, exponent bias
            properties = 12
            try present(t, p, properties, name, at)
            try bitField(offset: Int(try t.uint(p, 2)), precision: Int(try t.uint(p + 2, 2)), size: size, name, at)
            let epos = Int(try t.u8(p + 4)), esize = Int(try t.u8(p + 5)), mpos = Int(try t.u8(p + 6)), msize = Int(try t.u8(p + 7))
            let sign = Int(bits >> 8 & 0xFF)
            guard esize >= 1, msize >= 1, epos + esize <= 8 * size, mpos + msize <= 8 * size, sign < 8 * size else {
                throw HDF5StructureError("floating-point datatype at byte \(at): exponent bits \(epos)+\(esize), mantissa bits \(mpos)+\(msize) or sign bit \(sign) do not fit its \(size) bytes")
            }
        case 2: properties = 2  // time: precision
        case 3, 7: properties = 0  // string, reference
        case 5:  // opaque: an ASCII tag of (bits & 0xFF) bytes
            properties = Int(bits & 0xFF)
        case 6: return (try compound(t, at, members: Int(bits & 0xFFFF), version: version, size: size, depth: depth), size, typeClass)
        case 8: return (try enumeration(t, at, members: Int(bits & 0xFFFF), version: version, size: size, depth: depth), size, typeClass)
        case 9:  // variable-length: sequence (0) or string (1), then the base type
            guard bits & 0x0F <= 1 else { throw HDF5StructureError("variable-length datatype at byte \(at) of kind \(bits & 0x0F), expected 0 (sequence) or 1 (string)") }
            let (baseBytes, _, _) = try parseClass(t, p, depth: depth + 1)
            return (8 + baseBytes, size, typeClass)
        case 10:  // array: rank, (before v3: 3 reserved), dimensions, (before v3: permutation), base type
            guard version >= 2 else { throw HDF5StructureError("array datatype at byte \(at) has version 1, expected 2 or 3") }
            try present(t, p, 1, name, at)
            let rank = Int(try t.u8(p))
            guard rank >= 1, rank <= 32 else { throw HDF5StructureError("array datatype of rank \(rank), expected 1 to 32") }
            let dims = version < 3 ? p + 4 : p + 1
            try present(t, dims, 4 * rank * (version < 3 ? 2 : 1), name, at)
            var count = 1
            for i in 0..<rank {
                let (c, overflow) = count.multipliedReportingOverflow(by: Int(try t.uint(dims + 4 * i, 4)))
                guard !overflow else { throw HDF5StructureError("array datatype at byte \(at): its dimensions overflow") }
                count = c
            }
            let q = dims + 4 * rank * (version < 3 ? 2 : 1)
            let (baseBytes, baseSize, _) = try parseClass(t, q, depth: depth + 1)
            let (total, overflow) = count.multipliedReportingOverflow(by: baseSize)
            guard !overflow, total == size else {
                throw HDF5StructureError("array datatype at byte \(at) declares \(size) bytes but holds \(count) elements of \(baseSize) bytes")
            }
            return (q + baseBytes - at, size, typeClass)
        default: throw HDF5StructureError("datatype class \(typeClass), expected 0 to 10")
        }
        try present(t, p, properties, name, at)
        return (8 + properties, size, typeClass)
    }

    /// The class's properties, `count` bytes at `p`, lie inside the datatype.
    private static func present(_ t: HDF5Bytes, _ p: Int, _ count: Int, _ name: String, _ at: Int) throws(HDF5StructureError) {
        guard p + count <= t.count else {
            throw HDF5StructureError("\(name) datatype at byte \(at): its properties need bytes \(p) to \(p + count), past the \(t.count)-byte datatype")
        }
    }

    /// Bit offset and precision inside the element (libhdf5's conversions address bits by them).
    private static func bitField(offset: Int, precision: Int, size: Int, _ name: String, _ at: Int) throws(HDF5StructureError) {
        guard precision >= 1, offset + precision <= 8 * size else {
            throw HDF5StructureError("\(name) datatype at byte \(at): bit offset \(offset) and precision \(precision) do not fit its \(size) bytes")
        }
    }

    /// Compound members: name, byte offset, (v1: dimension info), member type; each member
    /// inside the compound's size. Returns the bytes the datatype occupies.
    private static func compound(_ t: HDF5Bytes, _ at: Int, members: Int, version: Int, size: Int, depth: Int) throws(HDF5StructureError) -> Int {
        guard members >= 1 else { throw HDF5StructureError("compound datatype at byte \(at) has no members") }
        var q = at + 8
        let offsetWidth = size < 1 << 8 ? 1 : size < 1 << 16 ? 2 : size < 1 << 24 ? 3 : 4
        for index in 0..<members {
            q = try name(t, q, padded: version < 3, "compound datatype at byte \(at): member \(index)'s name")
            let fixed = (version < 3 ? 4 : offsetWidth) + (version == 1 ? 28 : 0)
            guard q + fixed <= t.count else {
                throw HDF5StructureError("compound datatype at byte \(at): member \(index)'s offset\(version == 1 ? " and dimensions" : "") at byte \(q) run past the \(t.count)-byte datatype")
            }
            let offset = Int(try t.uint(q, version < 3 ? 4 : offsetWidth))
            var elements = 1
            if version == 1 {  // dimensionality, 3 reserved, permutation, 4 reserved, 4 dimensions
                let rank = Int(try t.u8(q + 4))
                guard rank <= 4 else { throw HDF5StructureError("compound datatype at byte \(at): member \(index) has \(rank) dimensions, expected at most 4") }
                for i in 0..<rank {
                    let (e, overflow) = elements.multipliedReportingOverflow(by: Int(try t.uint(q + 16 + 4 * i, 4)))
                    guard !overflow else { throw HDF5StructureError("compound datatype at byte \(at): member \(index)'s dimensions overflow") }
                    elements = e
                }
            }
            q += fixed
            let (memberBytes, memberSize, _) = try parseClass(t, q, depth: depth + 1)
            let (span, overflow) = memberSize.multipliedReportingOverflow(by: elements)
            guard !overflow, offset <= size, span <= size - offset else {
                throw HDF5StructureError("compound datatype at byte \(at) of \(size) bytes: member \(index) at byte offset \(offset) of \(memberSize) bytes\(elements == 1 ? "" : " x \(elements)") runs past it")
            }
            q += memberBytes
        }
        return q - at
    }

    /// Enum: an integer base type of the enum's size, `members` names, then `members` values of
    /// the base type's size (libhdf5 copies all of them out of the message).
    private static func enumeration(_ t: HDF5Bytes, _ at: Int, members: Int, version: Int, size: Int, depth: Int) throws(HDF5StructureError) -> Int {
        let base = at + 8
        let (baseBytes, baseSize, baseClass) = try parseClass(t, base, depth: depth + 1)
        guard baseClass == 0 else {
            throw HDF5StructureError("enum datatype at byte \(at) has a \(classNames[baseClass]) base type, expected an integer type")
        }
        var q = base + baseBytes
        for index in 0..<members {
            q = try name(t, q, padded: version < 3, "enum datatype at byte \(at): member \(index)'s name")
        }
        let (values, overflow) = members.multipliedReportingOverflow(by: baseSize)
        guard !overflow, values <= t.count - q else {
            throw HDF5StructureError("enum datatype at byte \(at): its \(members) values of \(baseSize) bytes (the base type's size) at byte \(q) run past the \(t.count)-byte datatype")
        }
        guard baseSize == size else {
            throw HDF5StructureError("enum datatype at byte \(at) declares \(size) bytes but its integer base type \(baseSize)")
        }
        return q + values - at
    }

    /// Skips a NUL-terminated name (padded to a multiple of 8 before version 3), all inside `t`.
    private static func name(_ t: HDF5Bytes, _ at: Int, padded: Bool, _ what: String) throws(HDF5StructureError) -> Int {
        guard at >= 0, at < t.count, let nul = t.bytes[at...].firstIndex(of: 0) else {
            throw HDF5StructureError("\(what) at byte \(at) is not NUL-terminated within the \(t.count)-byte datatype")
        }
        let length = nul - at + 1
        let end = at + (padded ? (hdf5Align8(length) ?? Int.max / 2) : length)
        guard end <= t.count else {
            throw HDF5StructureError("\(what) at byte \(at), padded to \(end - at) bytes, runs past the \(t.count)-byte datatype")
        }
        return end
    }
}
