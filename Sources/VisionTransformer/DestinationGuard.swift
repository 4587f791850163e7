import Checkpoints
import Tensors

/// Checks that a conversion neither writes over its source nor silently replaces a file.
enum DestinationGuard {
    static func check(destination: String, source: Checkpoint, force: Bool) throws {
        let sources = ([source.path] + source.source.files + [source.configPath].compactMap { $0 }).compactMap(FileSystem.realPath)
        if let dst = FileSystem.realPath(destination) {
            if sources.contains(dst) || sources.contains(where: { $0.hasPrefix(dst + "/") }) {
                throw ViTError.conversion("\(destination): refusing to write over the source checkpoint")
            }
            if !force { throw ViTError.conversion("\(destination) already exists (pass --force to replace it)") }
        }
        let parent = FileSystem.directoryName(of: destination)
        guard FileSystem.isDirectory(parent) else {
            throw ViTError.conversion("\(destination): directory \(parent) does not exist")
        }
    }
}
