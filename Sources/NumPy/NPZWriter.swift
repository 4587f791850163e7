import Tensors

/// Writes `.npz` archives that `numpy.load(path, allow_pickle=False)` reads back identically,
/// one tensor at a time.
///
/// Each tensor becomes a member `name + ".npy"` (names may contain `/`) holding numpy's own
/// header layout and the data little-endian in C order; BF16 is written as `<V2` (raw 2-byte
/// void), as ml_dtypes saves bfloat16. `compressed: false` matches `np.savez` (stored),
/// `true` matches `np.savez_compressed` (raw deflate at zlib's default level).
///
/// Nothing but the central directory (a few dozen bytes per tensor) is kept: append a tensor,
/// drop it, produce the next. The file appears atomically at `commit()`; a writer dropped
/// before that leaves the destination untouched.
///
/// ```swift
/// let writer = try NPZWriter(path: "out.npz", compressed: false)
/// for name in names { try writer.append(name: name, tensor: try load(name)) }
/// try writer.commit()
/// ```
///
/// A writer is not thread-safe: append from one thread (or task) at a time.
public final class NPZWriter {
    /// The destination path.
    public let path: String
    /// Whether members are deflated.
    public let compressed: Bool
    private let zip: ZIPWriter
    private var names = Set<String>()
    private var committed = false

    /// Starts writing to a temporary file beside `path`.
    ///
    /// - Throws: `CheckpointError.io` when the directory is not writable.
    public init(path: String, compressed: Bool = false) throws(CheckpointError) {
        self.path = path
        self.compressed = compressed
        zip = try ZIPWriter(path: path)
    }

    /// Adds `tensor` as the member `name.npy`.
    ///
    /// Traps when called after `commit()`.
    ///
    /// - Throws: `CheckpointError.malformed` for an empty, duplicate or over-long name or one
    ///   containing NUL; `.sizeMismatch` when the tensor's data is not exactly its shape's
    ///   size; `.unsupportedDType` for F8; `.io` when writing fails.
    public func append(name: String, tensor: Tensor) throws(CheckpointError) {
        precondition(!committed, "NPZWriter.append after commit")
        let member = name + ".npy"
        guard !name.isEmpty, !name.utf8.contains(0), member.utf8.count <= 0xFFFF else {
            throw .malformed(file: path, reason: "'\(name)' cannot be an npz member name")
        }
        guard names.insert(name).inserted else {
            throw .malformed(file: path, reason: "two tensors are named '\(name)'")
        }
        let header = try NPYHeader.encode(tensor, file: path, name: name)
        // Array.withUnsafeBytes rethrows untyped errors: carry the typed one through a Result.
        try header.withUnsafeBytes { h in
            Result { () throws(CheckpointError) in
                try tensor.data.withUnsafeBytes { (d) throws(CheckpointError) in
                    if compressed {
                        try zip.addDeflated(name: member, pieces: [h, d])
                    } else {
                        try zip.addStored(name: member, pieces: [h, d])
                    }
                }
            }
        }.get()
    }

    /// Writes the central directory, fsyncs, and renames the file into place.
    ///
    /// Call it once, after the last `append` (a second call traps).
    ///
    /// - Throws: `CheckpointError.io` when writing, fsync or the rename fails; the
    ///   destination is then untouched.
    public func commit() throws(CheckpointError) {
        precondition(!committed, "NPZWriter.commit called twice")
        try zip.finish()
        committed = true
    }

    /// Writes `tensors` in order to `path`.
    ///
    /// - Throws: `CheckpointError` as `append(name:tensor:)` and `commit()`; the destination
    ///   is then untouched.
    public static func write(
        _ tensors: [(name: String, tensor: Tensor)], to path: String, compressed: Bool = false
    ) throws(CheckpointError) {
        let writer = try NPZWriter(path: path, compressed: compressed)
        for (name, tensor) in tensors { try writer.append(name: name, tensor: tensor) }
        try writer.commit()
    }

    /// Writes one tensor per name, asking `produce` for each in turn, so that only one tensor
    /// need be in memory at a time.
    ///
    /// - Throws: `CheckpointError` as `append(name:tensor:)` and `commit()`, or what `produce`
    ///   throws; the destination is then untouched.
    public static func write(
        names: [String], to path: String, compressed: Bool = false,
        produce: (String) throws(CheckpointError) -> Tensor
    ) throws(CheckpointError) {
        let writer = try NPZWriter(path: path, compressed: compressed)
        for name in names { try writer.append(name: name, tensor: try produce(name)) }
        try writer.commit()
    }
}
