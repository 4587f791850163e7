import Tensors

/// Writes `.npy` files that `numpy.load(path, allow_pickle=False)` reads back identically.
///
/// Headers are laid out exactly as numpy's own (version 1.0, data aligned to 64 bytes).
/// Data is written little-endian, C order, in the tensor's dtype; BF16 is written as `<V2`
/// (raw 2-byte void), as ml_dtypes saves bfloat16; numpy loads it as void unless ml_dtypes
/// is used to view it (`a.view(ml_dtypes.bfloat16)`).
public enum NPYWriter {
    /// Writes `tensor` to `path` atomically (temporary file, fsync, rename).
    ///
    /// - Throws: `CheckpointError.sizeMismatch` when the tensor's data is not exactly its
    ///   shape's size; `.unsupportedDType` for F8; `.io` when writing fails.
    public static func write(_ tensor: Tensor, to path: String) throws(CheckpointError) {
        let name = NPYFile.tensorName(forPath: path)
        let header = try NPYHeader.encode(tensor, file: path, name: name)
        let out = try AtomicFileWriter(destination: path)
        try out.write(header)
        try tensor.data.withUnsafeBytes { (bytes) throws(CheckpointError) in try out.write(bytes) }
        try out.commit()
    }

    /// The complete `.npy` bytes for `tensor` (header and data), for callers that embed them.
    ///
    /// - Throws: `CheckpointError.sizeMismatch` when the tensor's data is not exactly its
    ///   shape's size; `.unsupportedDType` for F8.
    public static func encode(_ tensor: Tensor) throws(CheckpointError) -> [UInt8] {
        var bytes = try NPYHeader.encode(tensor, file: "<memory>", name: "")
        tensor.data.withUnsafeBytes { bytes.append(contentsOf: $0) }
        return bytes
    }
}
