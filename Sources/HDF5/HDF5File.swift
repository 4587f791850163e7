import Tensors

/// Any HDF5 file as a tensor source: every numeric dataset, found by walking the groups
/// from the root, named by its path without the leading `/` (`group_a/nested/f64`).
///
/// Opening reads only metadata (object headers); `tensor(named:)` reads one dataset into
/// owned little-endian row-major memory of exactly the declared size. Supported element
/// types: float16/32/64 (and 2-byte floats with the bfloat16 layout), signed and unsigned
/// 8-64-bit integers, and h5py's bool enum. Datasets of strings or other non-numeric
/// types are not listed in `tensors`; they are reported in `refusedDatasets`, and asking
/// for one throws `CheckpointError.unsupportedDType`.
///
/// Refused with an error when opening: soft, external and user-defined links; objects
/// reachable by two paths; virtual datasets; external raw storage; datasets declaring far
/// more bytes than the file could hold (see `HDF5Safety`). libhdf5 never prints to stderr:
/// its failures become `CheckpointError` values naming the file and object.
public final class HDF5File: TensorSource {
    /// The file as given.
    public let path: String
    /// `hdf5`.
    public var format: String { "hdf5" }
    /// Every numeric dataset, by absolute path, in walk order.
    public let tensors: [TensorInfo]
    /// The root group's string attributes (a list is rendered as a JSON array). Keras's
    /// `model_config` and `training_config` are never read.
    public let metadata: [(key: String, value: String)]
    /// Every group path (absolute, `/` first), in walk order.
    public let groups: [String]
    /// Datasets present in the file that cannot be read as tensors, with the reason.
    public let refusedDatasets: [(name: String, reason: String)]

    let reader: HDF5Reader
    let objectPaths: [String: String]
    let refusals: [String: CheckpointError]

    /// Opens `path` and lists its datasets (no tensor data is read).
    ///
    /// - Throws: `CheckpointError` naming the file (and object) for missing files, non-HDF5
    ///   or corrupted files, and everything refused above.
    public init(path: String) throws(CheckpointError) {
        let reader = try HDF5Reader(path: path)
        let contents = try reader.walk()
        self.reader = reader
        self.path = path
        self.groups = contents.groups
        var tensors: [TensorInfo] = []
        var objectPaths: [String: String] = [:]
        for d in contents.datasets {
            let name = String(d.path.dropFirst())
            tensors.append(TensorInfo(name: name, dtype: d.dtype, shape: d.shape))
            objectPaths[name] = d.path
        }
        self.tensors = tensors
        self.objectPaths = objectPaths
        refusedDatasets = contents.refused.map { (String($0.path.dropFirst()), $0.error.description) }
        refusals = Dictionary(contents.refused.map { (String($0.path.dropFirst()), $0.error) }) { a, _ in a }
        metadata = try Self.rootStringAttributes(reader)
    }

    /// Reads dataset `name` (a path without the leading `/`).
    ///
    /// - Throws: `.unknownTensor` for names that are not datasets; `.unsupportedDType` for
    ///   refused datasets; `.malformed` when libhdf5 cannot read the data (corruption).
    /// Datasets left out of `tensors` (strings, opaque and other non-numeric types).
    public var skipped: [(name: String, reason: String)] { refusedDatasets }

    /// Reads dataset `name` (an absolute path) into owned memory, little-endian, row-major.
    ///
    /// - Throws: `CheckpointError.unknownTensor` for no such dataset; `.unsupportedDType` for a
    ///   type vitkit does not read; `.malformed` or `.invalidTensor` when its storage does not
    ///   hold what it declares (checked before libhdf5 reads it).
    public func tensor(named name: String) throws(CheckpointError) -> Tensor {
        if let error = refusals[name] { throw error }
        guard let objectPath = objectPaths[name] else { throw .unknownTensor(file: path, tensor: name) }
        return try reader.read(objectPath)
    }

    static let unreadAttributes: Set<String> = ["model_config", "training_config"]

    static func rootStringAttributes(_ reader: HDF5Reader) throws(CheckpointError) -> [(key: String, value: String)] {
        let root = try reader.openRoot()
        let location = reader.location("/")
        var result: [(key: String, value: String)] = []
        // Names from vitkit's own check of the root header: listing compact attributes by index
        // through libhdf5 1.10 is undefined behaviour when one of them fails to decode.
        var names = reader.rootAttributeNames ?? []
        if reader.rootAttributeNames == nil { names = try HDF5Attributes.denseNames(root.id, at: location) }
        for name in names where !unreadAttributes.contains(name) {
            guard try HDF5Attributes.isString(root.id, name, at: location) else { continue }
            let (values, scalar) = try HDF5Attributes.stringsAndRank(root.id, name, at: location)
            let text = scalar && values.count == 1 ? values[0] : JSON.array(values.map { .string($0) }).compactText
            result.append((name, text))
        }
        return result
    }
}
