internal import CHDF5
import Tensors

/// Checks that keep a hostile or damaged HDF5 file from reaching outside itself or making
/// the reader allocate far more memory than the file could hold.
///
/// - Virtual datasets (data mapped from other files) and external storage (raw data in
///   other files) are refused outright.
/// - A dataset may not declare more than `maxDatasetBytes`, nor more bytes than the file has
///   (uncompressed), nor more than `maxExpansion` times the file size (filtered: deflate
///   cannot exceed ~1032:1, so this only refuses bombs and lies).
/// - Reading a dataset whose filters libhdf5 here cannot decode (e.g. h5py's LZF) is refused
///   by name before libhdf5 tries.
enum HDF5Safety {
    static let maxDatasetBytes = 1 << 34
    static let maxExpansion = 1000

    /// How the per-dataset limit's refusal begins (the walk lists such a dataset as skipped).
    static let overLimit = "declares more than the per-dataset limit"

    /// Refuses virtual and external storage, a declared size over `maxDatasetBytes`, and, for
    /// data that was written (`written`), a declared size the file could not hold. Data never
    /// written is not in the file: its size is only checked when it is read (`checkAllocation`).
    static func checkStorage(_ dcpl: hid_t, declaredBytes: Int, fileSize: Int, written: Bool,
                             at location: HDF5Location) throws(CheckpointError) {
        let layout = H5Pget_layout(dcpl)
        guard layout != H5D_LAYOUT_ERROR else { throw location.failure("read the storage layout of") }
        if layout == H5D_VIRTUAL {
            throw location.unsupported("is a virtual dataset (its data lives in other datasets or files); refused")
        }
        let external = H5Pget_external_count(dcpl)
        guard external >= 0 else { throw location.failure("read the external storage list of") }
        if external > 0 {
            throw location.unsupported("keeps its raw data in external file '\(externalName(dcpl))'; external storage is refused")
        }
        let filters = H5Pget_nfilters(dcpl)
        guard filters >= 0 else { throw location.failure("read the filters of") }
        let invalid = { (reason: String) -> CheckpointError in
            .invalidTensor(file: location.file, tensor: location.object, reason: reason)
        }
        if declaredBytes > maxDatasetBytes {
            throw invalid("\(overLimit) (\(declaredBytes) bytes, over \(maxDatasetBytes)); listed, not read")
        }
        guard written else { return }
        let (limit, overflow) = fileSize.multipliedReportingOverflow(by: filters > 0 ? maxExpansion : 1)
        if !overflow && declaredBytes > limit {
            let how = filters > 0 ? "over \(maxExpansion)x the file size (\(fileSize) bytes) even allowing for compression"
                                  : "more than the whole file (\(fileSize) bytes) without compression"
            throw invalid("declares \(declaredBytes) bytes, \(how)")
        }
    }

    /// True when all of the dataset's storage is allocated (every chunk written); false when
    /// some or all of it would read as the fill value.
    static func isFullyWritten(_ dataset: hid_t, at location: HDF5Location) throws(CheckpointError) -> Bool {
        var status = H5D_SPACE_STATUS_ERROR
        guard H5Dget_space_status(dataset, &status) >= 0 else { throw location.failure("read the storage status of") }
        return status == H5D_SPACE_STATUS_ALLOCATED
    }

    /// At most this many bytes of a dataset may be fill value (storage never written) when it
    /// is read: libhdf5 hands back the fill value for every unwritten byte, so a tiny file could
    /// otherwise ask for up to `maxDatasetBytes` of memory.
    static let maxFillBytes = 1 << 26

    /// Refuses, before anything is allocated for it, a dataset of which more than `maxFillBytes`
    /// would read as the fill value: storage never allocated (e.g. a chunked dataset declaring
    /// gigabytes with no chunk written), unwritten chunks, or a contiguous dataset storing less
    /// than it declares. Written chunks are checked to hold (or decode to) one chunk each by
    /// `checkRawStorage`.
    static func checkAllocation(_ dataset: hid_t, dcpl: hid_t, declaredBytes: Int, at location: HDF5Location) throws(CheckpointError) {
        guard declaredBytes > 0 else { return }
        let invalid = { (reason: String) -> CheckpointError in
            .invalidTensor(file: location.file, tensor: location.object, reason: reason)
        }
        var status = H5D_SPACE_STATUS_ERROR
        guard H5Dget_space_status(dataset, &status) >= 0 else { throw location.failure("read the storage status of") }
        let beyond = "over the \(maxFillBytes) bytes of fill value vitkit reads per dataset; refused"
        if status == H5D_SPACE_STATUS_NOT_ALLOCATED {
            guard declaredBytes <= maxFillBytes else {
                throw invalid("declares \(declaredBytes) bytes but stores none (never written: every element would read as the fill value), \(beyond)")
            }
            return
        }
        let unwritten: Int
        if H5Pget_layout(dcpl) == H5D_CHUNKED {
            let chunkBytes = try chunkByteCount(dataset, dcpl: dcpl, invalid: invalid, at: location)
            let space = try HDF5Handle(H5Dget_space(dataset), .dataspace, location, "read the dataspace of")
            var count: hsize_t = 0
            guard H5Dget_num_chunks(dataset, space.id, &count) >= 0 else { throw location.failure("count the chunks of") }
            let (covered, overflow) = UInt64(count).multipliedReportingOverflow(by: chunkBytes)
            unwritten = overflow || covered >= UInt64(declaredBytes) ? 0 : declaredBytes - Int(covered)
        } else {
            unwritten = max(0, declaredBytes - Int(clamping: H5Dget_storage_size(dataset)))
        }
        if unwritten > maxFillBytes {
            throw invalid("declares \(declaredBytes) bytes of which \(unwritten) were never written (they would read as the fill value), \(beyond)")
        }
    }

    /// Contiguous and compact datasets must store exactly their declared bytes, inside the
    /// file, and every chunk must hold (or decode to) exactly one chunk's bytes: libhdf5 1.10
    /// copies a corrupted layout's bytes without checking (out-of-bounds reads found by
    /// fuzzing, Fuzz/findings/hdf5-h5dread-segv.h5 and hdf5-filtered-chunk-short.h5).
    static func checkRawStorage(_ dataset: hid_t, dcpl: hid_t, declaredBytes: Int, fileSize: Int,
                                at location: HDF5Location) throws(CheckpointError) {
        let layout = H5Pget_layout(dcpl)
        let invalid = { (reason: String) -> CheckpointError in
            .invalidTensor(file: location.file, tensor: location.object, reason: reason)
        }
        if layout == H5D_CHUNKED {
            try checkChunks(dataset, dcpl: dcpl, fileSize: fileSize, invalid: invalid, at: location)
            return
        }
        guard layout == H5D_CONTIGUOUS || layout == H5D_COMPACT else { return }
        let stored = Int(clamping: H5Dget_storage_size(dataset))
        if layout == H5D_COMPACT {
            guard stored == declaredBytes else {
                throw invalid("compact storage holds \(stored) bytes but the shape and type need \(declaredBytes)")
            }
            return
        }
        let offset = H5Dget_offset(dataset)
        guard offset != chdf5_haddr_undef() else { return }  // never written: reads as the fill value
        guard stored == declaredBytes else {
            throw invalid("contiguous storage holds \(stored) bytes but the shape and type need \(declaredBytes)")
        }
        let (end, overflow) = Int(clamping: offset).addingReportingOverflow(declaredBytes)
        guard !overflow, offset <= UInt64(Int.max), end <= fileSize else {
            throw invalid("its data at offset \(offset) (\(declaredBytes) bytes) lies beyond the end of the file (\(fileSize) bytes)")
        }
    }

    static func checkFilters(_ dcpl: hid_t, at location: HDF5Location) throws(CheckpointError) {
        for (filter, label) in try filters(dcpl, at: location) where H5Zfilter_avail(filter) <= 0 {
            _ = HDF5Library.takeErrorText()
            throw location.unsupported("is compressed with filter \(filter)\(label.isEmpty ? "" : " ('\(label)')"), which this libhdf5 cannot decode")
        }
    }

    /// A dataset's filter pipeline, in the order the filters were applied when writing: each
    /// filter's identifier and the name stored with it.
    static func filters(_ dcpl: hid_t, at location: HDF5Location) throws(CheckpointError) -> [(id: H5Z_filter_t, name: String)] {
        let count = H5Pget_nfilters(dcpl)
        guard count >= 0 else { throw location.failure("read the filters of") }
        var filters: [(id: H5Z_filter_t, name: String)] = []
        for index in 0..<UInt32(count) {
            var flags: UInt32 = 0, config: UInt32 = 0
            var values = [UInt32](repeating: 0, count: 8)
            var elements = values.count
            var name = [CChar](repeating: 0, count: 64)
            let filter = H5Pget_filter2(dcpl, index, &flags, &elements, &values, name.count, &name, &config)
            guard filter >= 0 else { throw location.failure("read the filters of") }
            filters.append((filter, cString(name)))
        }
        return filters
    }

    private static func externalName(_ dcpl: hid_t) -> String {
        var name = [CChar](repeating: 0, count: 256)
        var offset: off_t = 0
        var size: hsize_t = 0
        guard H5Pget_external(dcpl, 0, name.count, &name, &offset, &size) >= 0 else { return "?" }
        return cString(name)
    }
}
