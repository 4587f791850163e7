import Tensors
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The temporary-file-then-rename protocol for writers that let libhdf5 write the file:
/// a hidden temporary beside the destination (same file system, so `rename` is atomic),
/// fsync'ed before it replaces the destination, and the directory fsync'ed after.
struct AtomicRename: ~Copyable {
    let destination: String
    let temporaryPath: String
    private var done = false

    /// Creates an empty temporary file next to `destination`.
    ///
    /// - Throws: `.io` when the directory is missing or not writable.
    init(destination: String) throws(CheckpointError) {
        self.destination = destination
        let (dir, base) = Self.split(destination)
        var template = Array("\(dir)/.\(base).vitkit-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw .io(file: destination, reason: "cannot create a temporary file in \(dir): \(Self.errnoText())") }
        _ = fchmod(fd, 0o644)
        close(fd)
        temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Fsyncs the (closed) temporary file, renames it over the destination, fsyncs the directory.
    mutating func commit() throws(CheckpointError) {
        let fd = open(temporaryPath, O_RDONLY)
        guard fd >= 0 else { throw .io(file: destination, reason: "cannot reopen the temporary file: \(Self.errnoText())") }
        let synced = fsync(fd) == 0
        let syncError = Self.errnoText()
        close(fd)
        guard synced else { throw .io(file: destination, reason: "fsync failed: \(syncError)") }
        guard rename(temporaryPath, destination) == 0 else {
            throw .io(file: destination, reason: "rename failed: \(Self.errnoText())")
        }
        done = true
        let dirfd = open(Self.split(destination).dir, O_RDONLY)
        if dirfd >= 0 { _ = fsync(dirfd); close(dirfd) }
    }

    deinit {
        if !done { unlink(temporaryPath) }
    }

    static func split(_ path: String) -> (dir: String, base: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let dir = slash == path.startIndex ? "/" : String(path[..<slash])
        return (dir, String(path[path.index(after: slash)...]))
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
