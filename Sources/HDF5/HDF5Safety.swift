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

    static func checkStorage(_ dcpl: hid_t, declaredBytes: Int, fileSize: Int, at location: HDF5Location) throws(CheckpointError) {
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
            throw invalid("declares \(declaredBytes) bytes, over the \(maxDatasetBytes)-byte limit per dataset")
        }
        let (limit, overflow) = fileSize.multipliedReportingOverflow(by: filters > 0 ? maxExpansion : 1)
        if !overflow && declaredBytes > limit {
            let how = filters > 0 ? "over \(maxExpansion)x the file size (\(fileSize) bytes) even allowing for compression"
                                  : "more than the whole file (\(fileSize) bytes) without compression"
            throw invalid("declares \(declaredBytes) bytes, \(how)")
        }
    }

    static func checkFilters(_ dcpl: hid_t, at location: HDF5Location) throws(CheckpointError) {
        let count = H5Pget_nfilters(dcpl)
        guard count >= 0 else { throw location.failure("read the filters of") }
        for index in 0..<UInt32(count) {
            var flags: UInt32 = 0, config: UInt32 = 0
            var values = [UInt32](repeating: 0, count: 8)
            var elements = values.count
            var name = [CChar](repeating: 0, count: 64)
            let filter = H5Pget_filter2(dcpl, index, &flags, &elements, &values, name.count, &name, &config)
            guard filter >= 0 else { throw location.failure("read the filters of") }
            if H5Zfilter_avail(filter) <= 0 {
                _ = HDF5Library.takeErrorText()
                let label = cString(name)
                throw location.unsupported("is compressed with filter \(filter)\(label.isEmpty ? "" : " ('\(label)')"), which this libhdf5 cannot decode")
            }
        }
    }

    private static func externalName(_ dcpl: hid_t) -> String {
        var name = [CChar](repeating: 0, count: 256)
        var offset: off_t = 0
        var size: hsize_t = 0
        guard H5Pget_external(dcpl, 0, name.count, &name, &offset, &size) >= 0 else { return "?" }
        return cString(name)
    }
}
