import Tensors

/// The image files that image arguments name: files as given, directories walked.
public enum ImageFiles {
    /// File extensions (any case) taken from directories. Files given directly are taken
    /// whatever their name: the decoder reads the format from the bytes.
    public static let extensions = [".png", ".jpg", ".jpeg"]

    /// Every image of `arguments`, in argument order.
    ///
    /// A file argument is taken as it is. A directory argument is walked recursively in a
    /// deterministic order: entries sorted by the bytes of their names (as `LC_ALL=C ls`),
    /// a sub-directory's images where its name sorts. Hidden entries (names starting with
    /// `.`) are skipped, and so are symbolic links to directories inside the walk (no cycles);
    /// links to files are followed. Paths are the argument joined with the names below it.
    ///
    /// - Throws: `EmbeddingError.missingImage` for an argument that does not exist,
    ///   `.noImages` when nothing is found; `CheckpointError.io` for a directory that cannot
    ///   be listed.
    public static func collect(_ arguments: [String]) throws -> [String] {
        var found: [String] = []
        for argument in arguments {
            switch FileSystem.kind(of: argument) {
            case nil: throw EmbeddingError.missingImage(path: argument)
            case .directory?: try walk(argument, into: &found)
            default: found.append(argument)
            }
        }
        guard !found.isEmpty else { throw EmbeddingError.noImages(arguments: arguments) }
        return found
    }

    static func walk(_ directory: String, into found: inout [String]) throws {
        let names = try FileSystem.listDirectory(directory).filter { !$0.hasPrefix(".") }
            .sorted { SystemPath.bytes($0).lexicographicallyPrecedes(SystemPath.bytes($1)) }
        for name in names {
            let path = FileSystem.join(directory, name)
            switch FileSystem.kind(of: path, followingLinks: false) {
            case .directory?: try walk(path, into: &found)
            case .regular?, .symbolicLink?:
                guard FileSystem.kind(of: path) == .regular, isImageName(name) else { continue }
                found.append(path)
            default: continue
            }
        }
    }

    /// Whether a file name has one of `extensions`, in any case.
    static func isImageName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return extensions.contains { lower.hasSuffix($0) && lower.count > $0.count }
    }
}
