internal import CHDF5
import Tensors

/// What a dataset declares, known without reading its data.
struct HDF5DatasetInfo: Sendable, Hashable {
    /// Absolute object path, e.g. `/vit/tf_vi_t_model/vit/layernorm/gamma:0`.
    var path: String
    var dtype: DType
    /// Row-major dimensions; `[]` for a scalar dataspace.
    var shape: [Int]
    /// `elementCount * dtype.byteSize`, checked for overflow and against the file size.
    var byteCount: Int
}

/// Inspecting and reading one open dataset.
enum HDF5Dataset {
    /// The dtype, shape and size of `dataset`, after the safety checks of `HDF5Safety`.
    ///
    /// - Throws: `.unsupportedDType` for strings and other non-numeric types; `.unsupported`
    ///   for external storage and virtual datasets; `.invalidTensor` for a null dataspace
    ///   (`nullDataspace`), when the declared size overflows, exceeds the per-dataset limit, or
    ///   (for data that was written) dwarfs the file.
    static func inspect(_ dataset: hid_t, at location: HDF5Location, fileSize: Int) throws(CheckpointError) -> HDF5DatasetInfo {
        let type = try HDF5Handle(H5Dget_type(dataset), .datatype, location, "read the datatype of")
        let dtype = try HDF5Datatype.dtype(of: type.id, at: location)
        let shape = try shape(of: dataset, at: location)
        guard let byteCount = Shape.byteCount(shape, dtype) else {
            throw .invalidTensor(file: location.file, tensor: location.object, reason: "shape \(Shape.describe(shape)) overflows")
        }
        let dcpl = try HDF5Handle(H5Dget_create_plist(dataset), .propertyList, location, "read the creation properties of")
        let written = try HDF5Safety.isFullyWritten(dataset, at: location)
        try HDF5Safety.checkStorage(dcpl.id, declaredBytes: byteCount, fileSize: fileSize, written: written, at: location)
        return HDF5DatasetInfo(path: location.object, dtype: dtype, shape: shape, byteCount: byteCount)
    }

    /// The reason `HDF5Safety` and this type give for a null dataspace (`h5py.Empty`).
    static let nullDataspace = "null dataspace (h5py.Empty): no shape and no data"

    /// Why the walk lists a dataset as skipped rather than refusing the file, in plain words,
    /// or nil when `error` must refuse the file: a type vitkit does not read (or libhdf5 1.10
    /// cannot decode), a null dataspace, a declared size over the per-dataset limit.
    static func skipReason(_ error: CheckpointError) -> String? {
        switch error {
        case .unsupportedDType(_, _, let dtype): "unsupported dtype \(dtype)"
        case .invalidTensor(_, _, let reason) where reason == nullDataspace: reason
        case .invalidTensor(_, _, let reason) where reason.hasPrefix(HDF5Safety.overLimit): reason
        default: nil
        }
    }

    /// The dataspace dimensions (`[]` for scalar).
    static func shape(of dataset: hid_t, at location: HDF5Location) throws(CheckpointError) -> [Int] {
        let space = try HDF5Handle(H5Dget_space(dataset), .dataspace, location, "read the dataspace of")
        switch H5Sget_simple_extent_type(space.id) {
        case H5S_SCALAR: return []
        case H5S_SIMPLE: break
        case H5S_NULL: throw .invalidTensor(file: location.file, tensor: location.object, reason: nullDataspace)
        default: throw location.failure("read the dataspace of")
        }
        let rank = H5Sget_simple_extent_ndims(space.id)
        guard rank >= 0 else { throw location.failure("read the rank of") }
        guard rank <= 32 else { throw location.malformed("has rank \(rank) (HDF5 allows at most 32)") }
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        guard H5Sget_simple_extent_dims(space.id, &dims, nil) == rank else { throw location.failure("read the dimensions of") }
        var shape: [Int] = []
        for d in dims {
            guard d <= UInt64(Int.max) else {
                throw .invalidTensor(file: location.file, tensor: location.object, reason: "dimension \(d) is too large")
            }
            shape.append(Int(d))
        }
        return shape
    }

    /// Reads all of `dataset` into an `OwnedBuffer` of exactly its declared size, converting to
    /// little-endian with a memory type of the same class and size.
    ///
    /// - Throws: the errors of `inspect`; `.unsupported` for filters libhdf5 cannot decode;
    ///   `.invalidTensor` for data never written or stored far smaller than declared;
    ///   `.malformed` when libhdf5 fails to read (corrupted chunks, truncation); `.invalidTensor`
    ///   for a bool element other than 0 or 1.
    static func read(_ dataset: hid_t, at location: HDF5Location, fileSize: Int) throws(CheckpointError) -> Tensor {
        let info = try inspect(dataset, at: location, fileSize: fileSize)
        let dcpl = try HDF5Handle(H5Dget_create_plist(dataset), .propertyList, location, "read the creation properties of")
        try HDF5Safety.checkFilters(dcpl.id, at: location)
        try HDF5Safety.checkAllocation(dataset, dcpl: dcpl.id, declaredBytes: info.byteCount, at: location)
        try HDF5Safety.checkRawStorage(dataset, dcpl: dcpl.id, declaredBytes: info.byteCount, fileSize: fileSize, at: location)
        let buffer = OwnedBuffer(count: info.byteCount)
        if info.byteCount > 0 {
            let fileType = try HDF5Handle(H5Dget_type(dataset), .datatype, location, "read the datatype of")
            let memory = try HDF5Datatype.memoryType(for: info.dtype, fileType: fileType.id, at: location)
            try check(H5Dread(dataset, memory.id, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), buffer.bytes.baseAddress),
                      location, "read the data of")
        }
        if info.dtype == .bool, let bad = buffer.bytes.first(where: { $0 > 1 }) {
            throw .invalidTensor(file: location.file, tensor: location.object, reason: "bool element has value \(bad)")
        }
        return Tensor(dtype: info.dtype, shape: info.shape, data: .owned(buffer))
    }
}
