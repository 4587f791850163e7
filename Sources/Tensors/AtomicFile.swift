#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file atomically: data goes to a temporary file beside the destination
/// (`TemporaryOutput`), which is fsync'ed and renamed over the destination only by
/// `commit()`. If the writer is dropped without `commit()`, or the process is interrupted,
/// the temporary file is removed and the destination is untouched.
///
/// The rename replaces the destination's directory entry: a symbolic link there is
/// replaced, never followed. Check the destination first with `OutputGuard`.
///
/// Writes are buffered (1 MiB); `write` may be called with pieces of any size. A writer is
/// not thread-safe: use it from one thread (or task) at a time.
public final class AtomicFileWriter {
    /// The path the file takes when `commit()` succeeds.
    public let destination: String
    let temporary: TemporaryOutput
    var buffer: [UInt8] = []
    var committed = false
    /// Bytes written so far (buffered or not): the offset the next `write` starts at.
    public private(set) var offset: Int = 0
    static let bufferSize = 1 << 20

    /// Creates the temporary file next to `destination`.
    ///
    /// Nothing is written at `destination` until `commit()`; dropping the writer before
    /// that removes the temporary file.
    ///
    /// - Throws: `CheckpointError.io` when the directory is not writable.
    public init(destination: String) throws(CheckpointError) {
        self.destination = destination
        temporary = try TemporaryOutput(for: destination, directory: false)
        buffer.reserveCapacity(Self.bufferSize)
    }

    /// Appends `bytes`, which are copied (or written) before the call returns.
    ///
    /// - Throws: `CheckpointError.io` naming the destination when writing fails (e.g. a full
    ///   disk); the writer should then be dropped.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(CheckpointError) {
        if buffer.count + bytes.count > Self.bufferSize { try flush() }
        if bytes.count >= Self.bufferSize {
            try writeAll(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
        offset += bytes.count
    }

    /// Appends `bytes`.
    ///
    /// - Throws: `CheckpointError.io` naming the destination when writing fails.
    public func write(_ bytes: [UInt8]) throws(CheckpointError) {
        try bytes.withUnsafeBytes { b in Result { () throws(CheckpointError) in try write(b) } }.get()
    }

    /// Appends `count` zero bytes (padding).
    ///
    /// - Throws: `CheckpointError.io` naming the destination when writing fails.
    public func writeZeros(_ count: Int) throws(CheckpointError) {
        try write([UInt8](repeating: 0, count: count))
    }

    func flush() throws(CheckpointError) {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { b in Result { () throws(CheckpointError) in try writeAll(b) } }.get()
        buffer.removeAll(keepingCapacity: true)
    }

    func writeAll(_ bytes: UnsafeRawBufferPointer) throws(CheckpointError) {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(temporary.fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(file: destination, reason: "write failed: \(FileSystem.errnoText())")
            }
            done += n
        }
    }

    /// Flushes and fsyncs the temporary file without renaming it: a writer of several files
    /// that belong together prepares all of them before it commits any, so a full disk
    /// fails the run before a single one has been replaced.
    ///
    /// - Throws: `CheckpointError.io` naming the destination when writing or fsync fails.
    package func prepare() throws(CheckpointError) {
        try flush()
        try temporary.sync()
    }

    /// Flushes, fsyncs and renames the temporary file to the destination.
    ///
    /// Call it once, after the last `write`; the writer must not be written to afterwards.
    ///
    /// - Throws: `CheckpointError.io` naming the destination when flushing, fsync or the
    ///   rename fails, or when something other than a regular file or a link has appeared at
    ///   the destination; the destination is then untouched.
    public func commit() throws(CheckpointError) {
        try flush()
        try temporary.commitFile()
        committed = true
    }
}
