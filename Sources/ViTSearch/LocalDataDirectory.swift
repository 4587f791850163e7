import Tensors

/// The data directory of a local milvus-lite, checked before the server may write in it.
///
/// milvus-lite puts `LOCK`, `databases/`, `collections/` and `.database-staging/` in the
/// directory it is given: pointed at a checkpoint or photo folder it would scatter them
/// among the user's files. So the directory must be new, empty, or already milvus-lite's.
public enum LocalDataDirectory {
    /// Entries that show a directory is already a milvus-lite data directory.
    static let markers: Set<String> = ["LOCK", "databases"]

    /// Creates `path` (and its parents) if missing, after checking that it is not a file,
    /// not one of `inputs` nor a directory holding one, and, when it has entries, that it
    /// is a milvus-lite data directory already.
    ///
    /// - Parameters:
    ///   - inputs: every file the run reads (checkpoint files, images).
    /// - Throws: `CheckpointError.io` naming `path` and what was found there.
    public static func prepare(_ path: String, inputs: [String]) throws(CheckpointError) {
        if let kind = FileSystem.kind(of: path), kind != .directory {
            throw .io(file: path, reason: "expected a directory for milvus-lite's data, found \(kind.description)")
        }
        if OutputGuard.isInput(path, inputs: inputs) {
            throw .io(file: path, reason: "holds an input of this run: refusing to use it as milvus-lite's data directory (choose a directory of its own)")
        }
        guard FileSystem.isDirectory(path) else { return try FileSystem.makeDirectory(path) }
        let entries = try FileSystem.listDirectory(path)
        guard entries.isEmpty || entries.contains(where: markers.contains) else {
            throw .io(file: path, reason: "holds files milvus-lite did not write (\(OutputGuard.list(entries))): refusing to use it as milvus-lite's data directory (choose an empty or new one)")
        }
    }
}
