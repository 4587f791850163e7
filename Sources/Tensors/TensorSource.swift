/// A container of named tensors that can list them without reading data and read any one
/// on demand. Every checkpoint format reader conforms.
public protocol TensorSource: Sendable {
    /// A short name of the container format (`safetensors`, `npz`, `npy`, `hdf5`, `keras-h5`).
    var format: String { get }
    /// The path that was opened, for messages.
    var path: String { get }
    /// Every tensor in the container's own order.
    var tensors: [TensorInfo] { get }
    /// String metadata the container carries (safetensors `__metadata__`, HDF5 root attributes).
    var metadata: [(key: String, value: String)] { get }
    /// Reads one tensor. Formats that allow it return a view into the mapped file (no copy).
    ///
    /// - Throws: `CheckpointError` naming the file and tensor when the name is unknown or the
    ///   data is inconsistent.
    func tensor(named name: String) throws(CheckpointError) -> Tensor
    /// Objects in the container that are not numeric tensors and were left out of `tensors`
    /// (e.g. HDF5 string datasets), with the reason.
    var skipped: [(name: String, reason: String)] { get }
    /// Every file the tensors are read from (the index and all shards for sharded sources).
    var files: [String] { get }
}

extension TensorSource {
    public var skipped: [(name: String, reason: String)] { [] }
    public var files: [String] { [path] }

    /// The declared information for `name`, if present.
    public func info(named name: String) -> TensorInfo? {
        tensors.first { $0.name == name }
    }

    /// Total number of elements over all tensors.
    public var parameterCount: Int { tensors.reduce(0) { $0 + $1.elementCount } }

    /// Total bytes of tensor data.
    public var tensorBytes: Int { tensors.reduce(0) { $0 + $1.byteCount } }
}
