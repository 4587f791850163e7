import Tensors

/// vitkit's own structural check of an object's header, run before libhdf5 opens the object
/// (`H5Oopen`): libhdf5 1.10 decodes a dataset's datatype, dataspace, fill value, filter
/// pipeline, external file list and layout messages trusting their counts and sizes, and
/// copied 2 x 3,080,193 enum values out of a 40-byte datatype message
/// (Fuzz/findings/hdf5-enum-base-size.h5: ASan heap-buffer-overflow in H5O_msg_read <- H5D_open).
///
/// The header (v1/v2, continuation blocks) is read with `pread` at the address the link gives
/// (`chdf5_link_address`, without opening the object), and every message libhdf5 decodes when
/// it opens a dataset is checked against what libhdf5's decoder (`H5Odtype.c`, `H5Osdspace.c`,
/// `H5Ofill.c`, `H5Opline.c`, `H5Oefl.c`, `H5Olayout.c`) will read or copy:
/// - datatype (0x0003): `HDF5DatatypeCheck` (nested types, enum names and values, compound
///   members inside the message); a committed datatype's own header is checked the same way;
/// - dataspace (0x0001): version 1-2, rank <= 32, dimensions inside the message;
/// - fill value (0x0004, 0x0005): a defined value inside the message and of the datatype's size;
/// - filter pipeline (0x000B): version 1-2, at most 32 filters, names and client data inside;
/// - external file list (0x0007): slots inside the message, names inside the local heap;
/// - layout (0x0008): version 1-4, rank, class, index parameters inside the message, compact
///   data inside it (libhdf5 copies it), chunk dimensions >= 1 (libhdf5 divides by them), one
///   more than the dataspace's rank; virtual layouts are refused. Whether the storage holds the
///   declared bytes stays `HDF5Safety.checkRawStorage`'s check before `H5Dread`.
enum HDF5ObjectCheck {
    static let dataspace = 0x0001, datatype = 0x0003, oldFill = 0x0004, fill = 0x0005
    static let externalFiles = 0x0007, layout = 0x0008, pipeline = 0x000B
    static let sharedFlag: UInt8 = 0x02
    /// libhdf5's limits: H5S_MAX_RANK + 1 layout dimensions, H5Z_MAX_NFILTERS filters.
    static let maxLayoutRank = 33
    static let maxFilters = 32

    /// Checks the header at relative address `address` of the object at `location`.
    ///
    /// - Throws: `.malformed` ("cannot be opened safely: ...") naming the file, the object, the
    ///   message and what is wrong; `.unsupported` for messages in the shared message heap;
    ///   `.unsupportedDType` for a datatype newer than libhdf5 1.10 decodes (the walk skips it).
    static func check(address: UInt64, at location: HDF5Location) throws(CheckpointError) {
        do throws(HDF5StructureError) {
            let file = try HDF5RawFile(path: location.file)
            let superblock = try HDF5Superblock.read(file)
            let (header, at) = try HDF5ObjectHeader.read(file, address: address, superblock)
            do { try check(header, file, superblock) } catch {
                var error = error.prefixed("its object header (offset \(at))")
                // No layout message: a named (committed) datatype, not a dataset.
                if let newer = error.newerDatatype, !header.messages.contains(where: { $0.type == layout }) {
                    error.newerDatatype = "named datatype (not a dataset): \(newer)"
                }
                throw error
            }
            do { try HDF5GroupCheck.check(header, file, superblock) } catch { throw error.prefixed("its group's link storage (object header at offset \(at))") }
        } catch {
            if let newer = error.newerDatatype {
                throw .unsupportedDType(file: location.file, tensor: location.object, dtype: newer)
            }
            if error.unsupported { throw location.unsupported(error.reason) }
            throw location.malformed("cannot be opened safely: \(error.reason)")
        }
    }

    /// Checks the messages of `header` (see the type's documentation).
    static func check(_ header: HDF5ObjectHeader, _ file: borrowing HDF5RawFile, _ superblock: HDF5Superblock) throws(HDF5StructureError) {
        var elementSize: Int?
        var rank: Int?
        let checked: [Int: String] = [dataspace: "dataspace", datatype: "datatype", oldFill: "old fill value", fill: "fill value",
                                      externalFiles: "external file list", layout: "layout", pipeline: "filter pipeline"]
        for message in header.messages {
            guard let name = checked[message.type] else { continue }
            let place = "\(name) message at offset \(message.headerOffset)"
            if message.flags & sharedFlag != 0 {
                guard message.type == datatype else {
                    var error = HDF5StructureError("its \(place) is shared (kept in the shared message heap); not supported")
                    error.unsupported = true
                    throw error
                }
                do {
                    let size = try committedDatatype(message.body, file, superblock)
                    if elementSize == nil { elementSize = size }
                } catch { throw error.prefixed("\(place) (a committed datatype)") }
                continue
            }
            do {
                switch message.type {
                case dataspace:
                    _ = try HDF5DataspaceCheck.elements(message.body, superblock)
                    if rank == nil { rank = Int(try message.body.u8(1)) }
                case datatype:
                    let size = try HDF5DatatypeCheck.check(message.body, depth: 0)
                    if elementSize == nil { elementSize = size }
                case oldFill:
                    try fillValue(message.body, at: 0, elementSize)
                case fill:
                    try newFillValue(message.body, elementSize)
                case externalFiles:
                    try externalFileList(message.body, file, superblock)
                case layout:
                    break  // after the loop, with the dataspace and datatype
                case pipeline:
                    try filterPipeline(message.body)
                default:
                    break
                }
            } catch {
                throw error.prefixed(place)
            }
        }
        // Messages may come in any order: the layout is checked against the first dataspace and datatype.
        for message in header.messages where message.type == layout {
            do {
                try checkLayout(message.body, superblock, rank: rank)
            } catch {
                throw error.prefixed("layout message at offset \(message.headerOffset)")
            }
        }
    }

    /// A committed datatype (shared message versions 1-3 naming an object header): its header's
    /// datatype message is checked; returns its element size.
    private static func committedDatatype(_ body: HDF5Bytes, _ file: borrowing HDF5RawFile, _ superblock: HDF5Superblock) throws(HDF5StructureError) -> Int {
        let version = Int(try body.u8(0)), kind = Int(try body.u8(1))
        let addressAt: Int
        switch version {
        case 1: addressAt = 8
        case 2: addressAt = 2
        case 3:
            guard kind == 2 else {
                var error = HDF5StructureError("it is kept in the shared message heap (shared message type \(kind)); not supported")
                error.unsupported = true
                throw error
            }
            addressAt = 2
        default: throw HDF5StructureError("shared message version \(version), expected 1, 2 or 3")
        }
        let address = try body.uint(addressAt, superblock.sizeOfOffsets)
        guard let at = superblock.fileOffset(address, within: file.size) else {
            throw HDF5StructureError("its object header address \(address) lies outside the file")
        }
        let header = try HDF5ObjectHeader.read(file, at: at, superblock)
        let messages = header.messages.filter { $0.type == datatype }
        guard let message = messages.first else { throw HDF5StructureError("the object header at offset \(at) has no datatype message") }
        for message in messages {
            guard message.flags & sharedFlag == 0 else {
                throw HDF5StructureError("the datatype message at offset \(message.headerOffset) of the committed datatype is itself shared")
            }
            do { _ = try HDF5DatatypeCheck.check(message.body, depth: 0) } catch {
                throw error.prefixed("datatype message at offset \(message.headerOffset)")
            }
        }
        return try HDF5DatatypeCheck.check(message.body, depth: 0)
    }
}
