import Tensors

/// A `.npy` file: one array, named after the file (`weights.npy` holds `weights`).
///
/// Opening maps the file and reads only its header. Little-endian row-major data is
/// returned as a view into the mapping (no copy); big-endian and Fortran-order arrays are
/// converted into owned memory when read.
///
/// Immutable after `init`, so it may be read from several threads at once.
public final class NPYFile: TensorSource {
    /// The path that was opened.
    public let path: String
    /// `npy`.
    public var format: String { "npy" }
    /// The one array, named `name`.
    public let tensors: [TensorInfo]
    /// None: the format carries no metadata.
    public var metadata: [(key: String, value: String)] { [] }
    /// The tensor's name: the file's base name without `.npy`.
    public let name: String
    let file: MappedFile
    let header: NPYHeader

    /// Opens `path` and validates its header and size.
    ///
    /// - Parameter bf16FromV2: read the `<V2` dtype (raw 2-byte void, which is how ml_dtypes
    ///   bfloat16 is saved) as BF16. Without it such a file is refused.
    /// - Throws: `CheckpointError` for a bad magic or version, a header that is not exactly
    ///   `descr`/`fortran_order`/`shape`, an unsupported dtype (pickles `|O`, structured
    ///   arrays), or data that is not exactly what the shape declares.
    public init(path: String, bf16FromV2: Bool = false) throws(CheckpointError) {
        self.path = path
        self.name = NPYFile.tensorName(forPath: path)
        file = try MappedFile(path: path)
        let bytes = file.bytes
        var position = 0
        header = try NPYHeader.read(
            size: bytes.count, tensor: name, bf16FromV2: bf16FromV2, context: ErrorContext(file: path)
        ) { (n) throws(CheckpointError) -> [UInt8] in
            defer { position += n }
            return Array(bytes.slice(position..<(position + n)))
        }
        tensors = [TensorInfo(name: name, dtype: header.dtype, shape: header.shape)]
    }

    /// Reads the array: a mapped view for little-endian row-major data, otherwise owned memory
    /// converted to little-endian row-major.
    ///
    /// - Throws: `CheckpointError.unknownTensor` unless `name` is this file's tensor name.
    public func tensor(named name: String) throws(CheckpointError) -> Tensor {
        guard name == self.name else { throw .unknownTensor(file: path, tensor: name) }
        let range = header.dataOffset..<(header.dataOffset + header.dataByteCount)
        let file = self.file
        return NPYLayout.tensor(file.bytes.slice(range), header: header) { .mapped(file, range: range) }
    }

    /// `dir/weights.npy` -> `weights`; a name without `.npy` is kept whole.
    static func tensorName(forPath path: String) -> String {
        var base = Substring(path)
        if let slash = base.lastIndex(of: "/") { base = base[base.index(after: slash)...] }
        return base.hasSuffix(".npy") ? String(base.dropLast(4)) : String(base)
    }
}
