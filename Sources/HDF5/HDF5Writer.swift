internal import CHDF5
import Tensors

/// A new HDF5 file written through libhdf5, laid out the way h5py lays it out: default
/// creation properties (superblock 0, earliest file format), intermediate groups created on
/// demand, little-endian types, contiguous datasets unless chunking is asked for.
///
/// Writes go straight to `path`; `KerasWeightsWriter` points it at a temporary file and
/// renames after `close()`. Objects are opened and closed per call, so nothing but the file
/// handle stays open between calls. After a failed write, `abandon()` closes the file without
/// reporting (it is half-written and about to be removed); dropping the writer does the same.
final class HDF5Writer {
    let path: String
    /// The name errors give for the file: the final destination when `path` is a temporary.
    let reportedPath: String
    private var file: HDF5Handle?
    private let linkCreation: HDF5Handle

    /// Creates (truncates) `path`; errors name `reportedPath` (default: `path`).
    init(creating path: String, reportingAs reportedPath: String? = nil) throws(CheckpointError) {
        try HDF5Library.prepare()
        self.path = path
        self.reportedPath = reportedPath ?? path
        let location = HDF5Location(file: self.reportedPath)
        let fapl = try HDF5Handle(H5Pcreate(chdf5_p_file_access()), .propertyList, location, "create a file access list for")
        // Closing the file closes every object in it, so close() really flushes and releases.
        try check(H5Pset_fclose_degree(fapl.id, H5F_CLOSE_STRONG), location, "configure")
        // No sieve buffer: raw data goes to the file inside H5Dwrite, so a full disk fails the
        // write that caused it (with its errno) rather than some later close.
        try check(H5Pset_sieve_buf_size(fapl.id, 0), location, "configure")
        file = try HDF5Handle(SystemPath.withCString(path) { H5Fcreate($0, chdf5_f_acc_trunc(), chdf5_p_default(), fapl.id) }, .file, location, "create the HDF5 file")
        linkCreation = try HDF5Handle(H5Pcreate(chdf5_p_link_create()), .propertyList, location, "create a link property list for")
        try check(H5Pset_create_intermediate_group(linkCreation.id, 1), location, "configure")
    }

    /// False once closed or abandoned.
    var isOpen: Bool { file != nil }

    func location(_ object: String) -> HDF5Location { HDF5Location(file: reportedPath, object: object) }

    private func fileID() throws(CheckpointError) -> hid_t {
        guard let id = file?.id else { throw .io(file: reportedPath, reason: "the HDF5 file is already closed") }
        return id
    }

    deinit { abandon() }

    /// Opens an existing object (`/` for the root).
    func open(_ objectPath: String) throws(CheckpointError) -> HDF5Handle {
        try HDF5Library.prepare()
        return try HDF5Handle(H5Oopen(try fileID(), objectPath, chdf5_p_default()), .object, location(objectPath), "open")
    }

    /// Creates group `objectPath` and any missing parents.
    func createGroup(_ objectPath: String) throws(CheckpointError) {
        try HDF5Library.prepare()
        guard HDF5Path.components(objectPath) != nil else { throw location(objectPath).malformed("not a valid group path") }
        _ = try HDF5Handle(H5Gcreate2(try fileID(), objectPath, linkCreation.id, chdf5_p_default(), chdf5_p_default()),
                           .group, location(objectPath), "create group")
    }

    /// Writes `tensor` as dataset `objectPath` (parents created), little-endian, h5py's type
    /// for its dtype; contiguous by default, or chunked (and deflated when `deflateLevel` is set).
    ///
    /// - Throws: `.unsupportedDType` for BF16/F8; `.sizeMismatch` when the data has the wrong
    ///   length (the file stays usable); `.malformed` with libhdf5's reason when the path exists
    ///   or cannot be created, `.io` when the write fails (the file is then abandoned).
    func writeDataset(_ objectPath: String, _ tensor: Tensor, chunks: [Int]? = nil, deflateLevel: UInt32? = nil) throws(CheckpointError) {
        try HDF5Library.prepare()
        let here = location(objectPath)
        guard HDF5Path.components(objectPath) != nil else { throw here.malformed("not a valid dataset path") }
        guard let bytes = Shape.byteCount(tensor.shape, tensor.dtype), bytes == tensor.data.count else {
            throw .sizeMismatch(file: reportedPath, tensor: objectPath, expected: Shape.byteCount(tensor.shape, tensor.dtype) ?? -1, found: tensor.data.count)
        }
        let type = try HDF5Datatype.fileType(for: tensor.dtype, at: here)
        do {
            let dataset = try create(objectPath, type: type.id, shape: tensor.shape, chunks: chunks, deflateLevel: deflateLevel)
            if bytes > 0 {
                try tensor.data.withUnsafeBytes { (raw) throws(CheckpointError) in
                    try check(H5Dwrite(dataset.id, type.id, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), raw.baseAddress), here, "write dataset")
                }
            }
            try check(dataset.close(), here, "close dataset")
        } catch {
            abandon()  // a failed write (full disk) leaves the file unusable
            throw error
        }
    }

    /// Creates dataset `objectPath` of `shape` without writing it: its storage stays
    /// unallocated and libhdf5 reads it as the fill value (used by tests of the refusal paths).
    func createUnwrittenDataset(_ objectPath: String, dtype: DType, shape: [Int], chunks: [Int]? = nil, deflateLevel: UInt32? = nil) throws(CheckpointError) {
        try HDF5Library.prepare()
        let type = try HDF5Datatype.fileType(for: dtype, at: location(objectPath))
        let dataset = try create(objectPath, type: type.id, shape: shape, chunks: chunks, deflateLevel: deflateLevel)
        try check(dataset.close(), location(objectPath), "close dataset")
    }

    private func create(_ objectPath: String, type: hid_t, shape: [Int], chunks: [Int]?, deflateLevel: UInt32?) throws(CheckpointError) -> HDF5Handle {
        let here = location(objectPath)
        var dims = shape.map { hsize_t($0) }
        let space = try HDF5Handle(shape.isEmpty ? H5Screate(H5S_SCALAR) : H5Screate_simple(Int32(dims.count), &dims, nil),
                                   .dataspace, here, "create the dataspace of")
        let dcpl = try HDF5Handle(H5Pcreate(chdf5_p_dataset_create()), .propertyList, here, "create properties for")
        if var chunks = chunks?.map({ hsize_t($0) }) {
            try check(H5Pset_chunk(dcpl.id, Int32(chunks.count), &chunks), here, "set the chunk shape of")
            if let level = deflateLevel { try check(H5Pset_deflate(dcpl.id, level), here, "set compression of") }
        }
        return try HDF5Handle(H5Dcreate2(try fileID(), objectPath, type, space.id, linkCreation.id, dcpl.id, chdf5_p_default()),
                              .dataset, here, "create dataset")
    }

    /// Writes a string-list attribute on `objectPath`: variable-length by default (h5py's
    /// encoding of a list of `bytes`), or fixed-length NUL-padded (a numpy `S` array).
    func writeStrings(on objectPath: String, _ name: String, _ values: [String], scalar: Bool = false, fixedLength: Bool = false) throws(CheckpointError) {
        let object = try open(objectPath)
        if fixedLength {
            try HDF5Attributes.writeFixedStrings(object.id, name, values, at: location(objectPath))
        } else {
            try HDF5Attributes.writeStrings(object.id, name, values, scalar: scalar, at: location(objectPath))
        }
    }

    /// Creates a soft link `objectPath` -> `target` (used by tests of the refusal paths).
    func createSoftLink(_ objectPath: String, to target: String) throws(CheckpointError) {
        try check(H5Lcreate_soft(target, try fileID(), objectPath, linkCreation.id, chdf5_p_default()), location(objectPath), "create soft link")
    }

    /// Creates an external link `objectPath` -> `file`:`target` (used by tests).
    func createExternalLink(_ objectPath: String, file: String, target: String) throws(CheckpointError) {
        try check(H5Lcreate_external(file, target, try fileID(), objectPath, linkCreation.id, chdf5_p_default()), location(objectPath), "create external link")
    }

    /// Flushes and closes the file, reporting any failure (a failed close can lose data).
    ///
    /// - Throws: `.io` naming `reportedPath`, e.g. "write failed: no space left on device".
    func close() throws(CheckpointError) {
        try HDF5Library.prepare()
        guard let handle = file.take() else { return }
        let flushed = H5Fflush(handle.id, H5F_SCOPE_GLOBAL)
        let flushError = flushed < 0 ? Self.asIO(location("").failure("flush the HDF5 file")) : nil
        let closed = handle.close()
        let closeError = closed < 0 ? Self.asIO(location("").failure("close the HDF5 file")) : nil
        if let error = flushError ?? closeError { throw error }
    }

    /// Closes the file after a failure, ignoring what libhdf5 says (it retries the writes
    /// that failed). Idempotent; afterwards every call throws "already closed".
    func abandon() {
        guard let handle = file.take() else { return }
        _ = handle.close()
        _ = HDF5Library.takeErrorText()
    }

    /// A failure to write or close is an I/O error, not a malformed file.
    private static func asIO(_ error: CheckpointError) -> CheckpointError {
        if case .malformed(let file, let reason) = error { return .io(file: file, reason: reason) }
        return error
    }
}
