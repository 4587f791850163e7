import Tensors

/// The temporary-file-then-rename protocol for writers that let libhdf5 write the file by
/// name: `TemporaryOutput` (hidden, beside the destination, removed on failure and on
/// SIGINT/SIGTERM/SIGHUP), fsync'ed before it replaces the destination.
struct AtomicRename: ~Copyable {
    let destination: String
    private let temporary: TemporaryOutput
    var temporaryPath: String { temporary.path }

    /// Creates an empty temporary file next to `destination`.
    ///
    /// - Throws: `.io` when the directory is missing or not writable.
    init(destination: String) throws(CheckpointError) {
        self.destination = destination
        temporary = try TemporaryOutput(for: destination, directory: false)
        temporary.closeFile()
    }

    /// Fsyncs the (closed) temporary file, renames it over the destination, fsyncs the directory.
    mutating func commit() throws(CheckpointError) {
        try temporary.commitFile()
    }
}
