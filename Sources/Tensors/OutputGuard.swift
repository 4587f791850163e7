/// The one check every writer in vitkit makes before it writes anything.
///
/// - A destination that is one of the inputs (the same file by device and inode, through
///   any link), or a directory holding one, is refused: whatever the caller forces.
/// - Device nodes, FIFOs and sockets are refused always; so is a file where a directory
///   goes and the other way round, and any destination in `/dev`, `/proc` or `/sys`.
/// - An empty path, or a file name longer than 255 bytes, is refused before any work.
/// - An existing destination is replaced only when the caller says so; a directory only
///   when it holds nothing but files vitkit writes (`replaceableEntry`), so no unrelated
///   file of the user's is ever deleted.
/// - Links at the destination are replaced, never followed (see `AtomicFileWriter`).
/// - Temporaries that dead vitkit processes left for this destination are removed first,
///   and a directory lost between the two renames of a replacement is put back.
public enum OutputGuard {
    /// What the writer will put at the destination.
    public enum Output: Sendable {
        /// A single file; an existing directory at the destination is refused.
        case file
        /// A directory; an existing one may be replaced only if every entry passes `replaceableEntry`.
        case directory(replaceableEntry: @Sendable (String) -> Bool)
    }

    /// Checks `destination` before writing it.
    ///
    /// - Parameters:
    ///   - inputs: every file the run reads (weights, configs, images...).
    ///   - replace: whether an existing destination may be replaced.
    ///   - output: whether a file or a directory will be written there.
    /// - Throws: `CheckpointError.io` naming the destination and what was found there.
    public static func check(_ destination: String, inputs: [String], replace: Bool, output: Output) throws(CheckpointError) {
        try checkName(destination)
        if case .file = output, destination.hasSuffix("/") {
            throw .io(file: destination, reason: "names a directory (trailing '/'), but the output is a single file")
        }
        let parent = FileSystem.directoryName(of: destination)
        guard FileSystem.isDirectory(parent) else {
            throw .io(file: destination, reason: "directory \(parent) does not exist")
        }
        try checkPlace(destination, parent: parent)
        TemporaryOutput.removeStale(for: destination, restoringLostDirectory: true)
        guard let kind = FileSystem.kind(of: destination, followingLinks: false) else { return }
        if isInput(destination, inputs: inputs) {
            throw .io(file: destination, reason: "refusing to write over an input of this run (it is one of the source files being read)")
        }
        switch kind {
        case .fifo, .socket, .characterDevice, .blockDevice, .other:
            throw .io(file: destination, reason: "expected a regular file or nothing at the destination, found \(kind.description): refusing to replace it")
        default: break
        }
        guard replace else { throw .destinationExists(file: destination) }
        switch (output, kind) {
        case (.file, .directory):
            throw .io(file: destination, reason: "is a directory; the output is a single file")
        case (.directory, .regular):
            throw .io(file: destination, reason: "is a regular file; the output is a directory: refusing to replace a file with a directory")
        case (.directory(let replaceable), .directory):
            let foreign = try foreignEntries(in: destination, replaceable: replaceable)
            if !foreign.isEmpty {
                throw .io(file: destination, reason: "holds files vitkit does not write (\(list(foreign))): refusing to replace the directory; move them or choose another destination")
            }
        default: break
        }
    }

    /// The entries of `directory` a replacement may not delete: names `replaceable` refuses,
    /// and anything that is not a regular file or a link (a subdirectory, a FIFO...).
    ///
    /// - Throws: `CheckpointError.io` when the directory cannot be read.
    package static func foreignEntries(in directory: String, replaceable: (String) -> Bool) throws(CheckpointError) -> [String] {
        try FileSystem.listDirectory(directory).filter { name in
            let k = FileSystem.kind(of: FileSystem.join(directory, name), followingLinks: false)
            return !replaceable(name) || (k != .regular && k != .symbolicLink)
        }
    }

    /// At most five names, for a message.
    package static func list(_ names: [String]) -> String {
        names.prefix(5).joined(separator: ", ") + (names.count > 5 ? ", ..." : "")
    }

    /// True when `path` is one of `inputs` or a directory containing one.
    ///
    /// An input counts as held by a directory both where it really is and where it was read
    /// through: `snapshot/model.safetensors`, a link into a cache's `blobs/` (as the Hugging
    /// Face cache lays files out), is held by `snapshot`.
    package static func isInput(_ path: String, inputs: [String]) -> Bool {
        if let id = FileSystem.identity(of: path), inputs.contains(where: { FileSystem.identity(of: $0) == id }) { return true }
        guard FileSystem.isDirectory(path), let dir = FileSystem.realPath(path) else { return false }
        let prefix = dir.hasSuffix("/") ? dir : dir + "/"
        return inputs.contains { input in
            let entry = FileSystem.realPath(FileSystem.directoryName(of: input)).map { FileSystem.join($0, FileSystem.baseName(of: input)) }
            return [FileSystem.realPath(input), entry].contains { $0?.hasPrefix(prefix) == true }
        }
    }
}
