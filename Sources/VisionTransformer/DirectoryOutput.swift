#if canImport(Glibc)
import Glibc
#endif
import Tensors

/// Writes a directory atomically: into a temporary sibling, renamed into place at the end.
enum DirectoryOutput {
    static func write(_ destination: String, force: Bool, body: (String) throws -> [String]) throws -> [String] {
        let parent = FileSystem.directoryName(of: destination)
        var template = Array("\(parent)/.\(FileSystem.baseName(of: destination)).vitkit-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw CheckpointError.io(file: destination, reason: "cannot create a temporary directory in \(parent)")
        }
        let temp = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var committed = false
        defer { if !committed { removeTree(temp) } }
        let files: [String]
        do {
            files = try body(temp)
        } catch let error as CheckpointError {
            throw error.relocated(from: temp, to: destination)  // name what the user asked for
        }
        var old: String?
        if FileSystem.exists(destination) {
            guard force else { throw ViTError.conversion("\(destination) already exists (pass --force to replace it)") }
            old = temp + ".old"
            guard rename(destination, old!) == 0 else {
                throw CheckpointError.io(file: destination, reason: "cannot move the existing destination aside")
            }
        }
        guard rename(temp, destination) == 0 else {
            if let old { _ = rename(old, destination) }
            throw CheckpointError.io(file: destination, reason: "cannot rename the finished output into place")
        }
        committed = true
        if let old { removeTree(old) }
        chmod(destination, 0o755)
        return files
    }

    static func removeTree(_ path: String) {
        if FileSystem.isDirectory(path) {
            for name in (try? FileSystem.listDirectory(path)) ?? [] { removeTree(FileSystem.join(path, name)) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}
