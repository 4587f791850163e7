import Tensors

/// Writes one `.npy` array whose data arrives in pieces (rows of a matrix, say), so the
/// whole array never has to be in memory. The header is `np.save`'s, byte for byte, and is
/// written first: the shape must be known up front.
///
/// Atomic like every writer (temporary file beside the destination, renamed by `commit()`);
/// check the destination with `OutputGuard` first.
package final class NPYStreamWriter {
    let out: AtomicFileWriter
    /// Bytes the shape declares.
    package let dataBytes: Int
    /// Data bytes written so far.
    package private(set) var written = 0

    /// Creates the temporary file and writes the header for a C-order `dtype` array of `shape`.
    ///
    /// - Throws: `CheckpointError.invalidTensor` when the shape overflows, `.unsupportedDType`
    ///   for F8, `.io` when the directory is not writable.
    package init(destination: String, dtype: DType, shape: [Int]) throws(CheckpointError) {
        let name = NPYFile.tensorName(forPath: destination)
        guard let bytes = Shape.byteCount(shape, dtype) else {
            throw .invalidTensor(file: destination, tensor: name, reason: "shape \(Shape.describe(shape)) overflows")
        }
        guard let header = NPYHeader.encode(dtype: dtype, shape: shape) else {
            throw .unsupportedDType(file: destination, tensor: name, dtype: "\(dtype.rawValue) (numpy has no such dtype)")
        }
        dataBytes = bytes
        out = try AtomicFileWriter(destination: destination)
        try out.write(header)
    }

    /// Appends little-endian float32 values (the dtype must be F32).
    ///
    /// - Throws: `CheckpointError.sizeMismatch` when this would write past the declared
    ///   shape; `.io` when writing fails.
    package func append(_ values: [Float]) throws(CheckpointError) {
        try values.withUnsafeBytes { b in Result { () throws(CheckpointError) in try append(b) } }.get()
    }

    /// Appends raw data bytes in the array's dtype and byte order.
    ///
    /// - Throws: `CheckpointError.sizeMismatch` when this would write past the declared
    ///   shape; `.io` when writing fails.
    package func append(_ bytes: UnsafeRawBufferPointer) throws(CheckpointError) {
        guard bytes.count <= dataBytes - written else {
            throw .sizeMismatch(file: out.destination, tensor: NPYFile.tensorName(forPath: out.destination),
                                expected: dataBytes, found: written + bytes.count)
        }
        try out.write(bytes)
        written += bytes.count
    }

    /// Flushes and fsyncs every declared byte without renaming (see `AtomicFileWriter.prepare`).
    ///
    /// - Throws: `CheckpointError.sizeMismatch` when fewer bytes than the shape declares were
    ///   written; `.io` when flushing fails (a full disk).
    package func prepare() throws(CheckpointError) {
        try checkComplete()
        try out.prepare()
    }

    /// Renames the file into place once every declared byte has been written.
    ///
    /// - Throws: `CheckpointError.sizeMismatch` when fewer bytes than the shape declares were
    ///   written (nothing is left behind); `.io` when flushing or the rename fails.
    package func commit() throws(CheckpointError) {
        try checkComplete()
        try out.commit()
    }

    func checkComplete() throws(CheckpointError) {
        guard written == dataBytes else {
            throw .sizeMismatch(file: out.destination, tensor: NPYFile.tensorName(forPath: out.destination),
                                expected: dataBytes, found: written)
        }
    }
}
