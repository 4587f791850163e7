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
