/// A container of named tensors that can list them without reading data and read any one
/// on demand. Every checkpoint format reader conforms.
///
/// Sources are immutable once opened and `Sendable`: tensors may be read from several
/// threads at once. A tensor that is a view into a mapped file keeps the mapping alive
/// after the source itself is dropped.
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
    /// None: the default for formats that hold nothing but numeric tensors.
    public var skipped: [(name: String, reason: String)] { [] }
    /// `[path]`: the default for single-file formats.
    public var files: [String] { [path] }

    /// The declared information for `name`, if present (a linear search over `tensors`).
    public func info(named name: String) -> TensorInfo? {
        tensors.first { $0.name == name }
    }

    /// Total number of elements over all tensors.
    public var parameterCount: Int { tensors.reduce(0) { $0 + $1.elementCount } }

    /// Total bytes of tensor data, as the tensors declare it.
    public var tensorBytes: Int { tensors.reduce(0) { $0 + $1.byteCount } }
}
