import Tensors

/// Any HDF5 file as a tensor source: every numeric dataset, found by walking the groups
/// from the root, named by its path without the leading `/` (`group_a/nested/f64`).
///
/// Opening reads only metadata (object headers); `tensor(named:)` reads one dataset into
/// owned little-endian row-major memory of exactly the declared size. Supported element
/// types: float16/32/64 (and 2-byte floats with the bfloat16 layout), signed and unsigned
/// 8-64-bit integers, and h5py's bool enum. Datasets of strings or other non-numeric
/// types, empty ones with a null dataspace (`h5py.Empty`) and those whose datatype libhdf5
/// 1.10 cannot decode (HDF5 1.12+ `libver='latest'` enums, compounds...) are not listed in
/// `tensors`; they are reported in `refusedDatasets` with the reason, and asking for one
/// throws. A chunked dataset whose chunks were never written is listed; reading it gives
/// its fill value where unwritten, within `HDF5Safety.maxFillBytes`.
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
    /// The root group's string attributes (a list is rendered as a JSON array, an N-D array
    /// as nested JSON arrays). Keras's
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
        refusedDatasets = contents.refused.map { (String($0.path.dropFirst()), $0.reason) }
        refusals = Dictionary(contents.refused.map { (String($0.path.dropFirst()), $0.error) }) { a, _ in a }
        // libhdf5 1.10 opens no compact root attribute while one of them has a newer datatype.
        var attributes = reader.undecodableRootAttributes.map { attribute in
            ("@" + attribute.name, "root attribute of type \(attribute.type); the root's other attributes are not read either (libhdf5 1.10 decodes them all to open one)")
        }
        var metadata: [(key: String, value: String)] = []
        if attributes.isEmpty {
            do {
                metadata = try Self.rootStringAttributes(reader)
            } catch where Self.denseListingFailed(error) {
                attributes = [("@*", "root attributes kept in dense storage: one has a datatype libhdf5 1.10 cannot decode (HDF5 1.12 or newer with libver='latest'), so none is read")]
            }
        }
        self.metadata = metadata
        skipped = refusedDatasets + attributes
    }

    /// `refusedDatasets`, then root attributes libhdf5 1.10 cannot decode (named `@name`).
    public let skipped: [(name: String, reason: String)]

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

    /// True when libhdf5 1.10 could not list dense root attributes because one has a datatype
    /// version it does not decode (its `H5O_dtype_decode` message; vitkit's own check reads the
    /// compact ones, not the dense ones, before libhdf5 does).
    static func denseListingFailed(_ error: CheckpointError) -> Bool {
        guard case .malformed(_, let reason) = error else { return false }
        return reason.hasPrefix("cannot read attribute names of '/'") && reason.contains("bad version number for datatype message")
    }

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
            let (values, shape) = try HDF5Attributes.stringsAndShape(root.id, name, at: location)
            let text = shape.isEmpty && values.count == 1 ? values[0] : nested(values[...], shape[...]).compactText
            result.append((name, text))
        }
        return result
    }

    /// Row-major `values` as nested JSON arrays of `shape` (as h5py's `.tolist()`).
    static func nested(_ values: ArraySlice<String>, _ shape: ArraySlice<Int>) -> JSON {
        guard let first = shape.first, shape.count > 1 else { return .array(values.map { .string($0) }) }
        let inner = first == 0 ? 0 : values.count / first
        return .array((0..<first).map { i in
            let start = values.startIndex + i * inner
            return nested(values[start..<(start + inner)], shape.dropFirst())
        })
    }
}
