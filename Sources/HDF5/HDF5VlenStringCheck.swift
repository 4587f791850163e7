import Tensors

/// vitkit's own check of a variable-length string attribute, run before libhdf5 converts it
/// (`H5Aread`): libhdf5 1.10 follows each element's global heap ID without checking that the
/// object exists or fits (`H5HG_read`), and a damaged collection crashed `vitkit inspect`
/// (Fuzz/findings/hdf5-global-heap-missing-object.h5).
///
/// The attribute message is read from the object's header with `pread` (compact storage) or
/// through its name index and fractal heap (dense storage), then every element's global heap
/// collection is walked (`HDF5GlobalHeapCollection`) and the object it names must exist and
/// hold exactly the element's bytes.
enum HDF5VlenStringCheck {
    /// Checks attribute `name` of the object whose header is at relative address `objectAddress`.
    ///
    /// - Throws: `.malformed` naming the file, the object, the attribute and what is wrong.
    static func check(objectAddress: UInt64, attribute name: String, at location: HDF5Location) throws(CheckpointError) {
        do throws(HDF5StructureError) {
            let file = try HDF5RawFile(path: location.file)
            let superblock = try HDF5Superblock.read(file)
            let (header, at) = try HDF5ObjectHeader.read(file, address: objectAddress, superblock)
            let found = try HDF5AttributeLookup.messages(named: name, in: header, file, superblock)
            guard !found.isEmpty else { throw HDF5StructureError("no attribute message of that name in the object header at offset \(at)") }
            for attribute in found {
                do {
                    try checkStrings(attribute.message, file, superblock)
                } catch {
                    throw HDF5StructureError("\(attribute.place): \(error.reason)")
                }
            }
        } catch {
            throw HDF5Attributes.attributeError(name, location, "cannot be read safely: \(error.reason)")
        }
    }

    /// The datatype must be a variable-length string in the message (not a committed type) with
    /// elements of `HDF5VlenElements.elementSize`, all present in the data; then every element's
    /// heap object is checked.
    static func checkStrings(_ attribute: HDF5AttributeMessage, _ file: borrowing HDF5RawFile, _ superblock: HDF5Superblock) throws(HDF5StructureError) {
        guard attribute.flags & 0x01 == 0 else {
            throw HDF5StructureError("its datatype is a committed (shared) datatype; vitkit checks variable-length strings only with their type in the attribute")
        }
        guard let elements = attribute.elements else {
            throw HDF5StructureError("its dataspace is a shared message; vitkit reads only dataspaces stored in the attribute")
        }
        let t = attribute.datatype
        let head = try t.u8(0), kind = try t.uint(1, 3) & 0x0F, size = try t.uint(4, 4)
        guard head & 0x0F == 9, kind == 1 else {
            throw HDF5StructureError("its datatype (class \(head & 0x0F), kind \(kind)) is not a variable-length string")
        }
        let stride = HDF5VlenElements.elementSize(superblock)
        guard size == UInt64(stride) else {
            throw HDF5StructureError("its variable-length elements declare \(size) bytes, expected \(stride) (length, heap address, object index)")
        }
        let baseSize = try t.uint(8 + 4, 4)
        guard baseSize == 1 else { throw HDF5StructureError("its strings have \(baseSize)-byte characters, expected 1") }
        guard elements <= UInt64(HDF5Attributes.maxStrings), Int(elements) * stride <= attribute.data.count else {
            throw HDF5StructureError("its \(elements) elements of \(stride) bytes do not fit in the \(attribute.data.count) bytes of data")
        }
        try HDF5VlenElements.check(attribute.data, count: Int(elements), baseSize: Int(baseSize), file, superblock)
    }
}
