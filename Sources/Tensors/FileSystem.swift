#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file-system calls vitkit makes, each taking paths through `SystemPath` (so names
/// that are not UTF-8 work) and turning failures into `CheckpointError` naming the path.
package enum FileSystem {
    /// What a path names. `lstat` is used where links matter (`kind(of:followingLinks: false)`).
    package enum Kind: Sendable, Equatable {
        case regular, directory, symbolicLink, fifo, socket, characterDevice, blockDevice, other

        init(mode: mode_t) {
            switch mode & S_IFMT {
            case S_IFREG: self = .regular
            case S_IFDIR: self = .directory
            case S_IFLNK: self = .symbolicLink
            case S_IFIFO: self = .fifo
            case S_IFSOCK: self = .socket
            case S_IFCHR: self = .characterDevice
            case S_IFBLK: self = .blockDevice
            default: self = .other
            }
        }

        /// "a FIFO", "a character device"... for messages.
        package var description: String {
            switch self {
            case .regular: "a regular file"
            case .directory: "a directory"
            case .symbolicLink: "a symbolic link"
            case .fifo: "a FIFO"
            case .socket: "a socket"
            case .characterDevice: "a character device"
            case .blockDevice: "a block device"
            case .other: "a special file"
            }
        }
    }

    /// A file's identity (device and inode): equal for two paths naming the same file.
    package struct Identity: Hashable, Sendable {
        let device: UInt64
        let inode: UInt64
    }

    static func status(_ path: String, followingLinks: Bool) -> stat? {
        var st = stat()
        let rc = SystemPath.withCString(path) { followingLinks ? stat($0, &st) : lstat($0, &st) }
        return rc == 0 ? st : nil
    }

    /// What `path` is, or nil when it does not exist.
    package static func kind(of path: String, followingLinks: Bool = true) -> Kind? {
        status(path, followingLinks: followingLinks).map { Kind(mode: $0.st_mode) }
    }

    /// The identity of the file `path` names (links followed), or nil when it does not exist.
    package static func identity(of path: String) -> Identity? {
        status(path, followingLinks: true).map { Identity(device: UInt64($0.st_dev), inode: UInt64($0.st_ino)) }
    }

    /// True when `path` names a directory (links followed).
    package static func isDirectory(_ path: String) -> Bool { kind(of: path) == .directory }

    /// True when something exists at `path` (a dangling link counts).
    package static func exists(_ path: String) -> Bool { kind(of: path, followingLinks: false) != nil }

    /// The canonical absolute path, or nil if it does not exist.
    package static func realPath(_ path: String) -> String? {
        guard let p = SystemPath.withCString(path, { realpath($0, nil) }) else { return nil }
        defer { free(p) }
        return SystemPath.decode(cString: p)
    }

    /// Joins a directory and a relative name.
    package static func join(_ dir: String, _ name: String) -> String {
        dir.hasSuffix("/") ? dir + name : dir + "/" + name
    }

    /// The directory part of `path` (`.` when there is none), as `dirname` (trailing
    /// slashes do not count: `out/` is in `.`).
    package static func directoryName(of path: String) -> String {
        let path = trimmingTrailingSlashes(path)
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The last component of `path`, as `basename` (`out/` is `out`).
    package static func baseName(of path: String) -> String {
        let path = trimmingTrailingSlashes(path)
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// `path` without trailing slashes (`/` stays `/`).
    package static func trimmingTrailingSlashes(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p = p.dropLast() }
        return String(p)
    }

    /// The text of the current `errno`.
    package static func errnoText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

    /// Opens a regular file for reading without blocking on a FIFO or device: the file is
    /// opened non-blocking and its type checked on the open descriptor.
    ///
    /// - Throws: `.io` when it cannot be opened or is not a regular file (says what it is).
    package static func openRegularFile(_ path: String) throws(CheckpointError) -> (fd: Int32, size: Int) {
        let fd = SystemPath.withCString(path) { open($0, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY) }
        guard fd >= 0 else { throw .io(file: path, reason: errnoText()) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let reason = errnoText()
            close(fd)
            throw .io(file: path, reason: reason)
        }
        let kind = Kind(mode: st.st_mode)
        guard kind == .regular else {
            close(fd)
            throw .io(file: path, reason: "expected a regular file, found \(kind.description)")
        }
        return (fd, Int(st.st_size))
    }

    /// Reads a whole (small) file.
    package static func readFile(_ path: String, limit: Int = 64 << 20) throws(CheckpointError) -> [UInt8] {
        let file = try MappedFile(path: path)
        guard file.count <= limit else { throw .malformed(file: path, reason: "file is larger than \(limit) bytes") }
        return Array(file.bytes)
    }

    /// Reads a file with `read(2)` up to `limit` bytes: for kernel files like `/proc/cpuinfo`,
    /// which report size 0 and cannot be memory-mapped.
    package static func readStream(_ path: String, limit: Int = 4 << 20) throws(CheckpointError) -> [UInt8] {
        let (fd, _) = try openRegularFile(path)
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while out.count < limit {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(file: path, reason: errnoText())
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<min(n, limit - out.count)])
        }
        return out
    }

    /// Creates a directory (and parents); succeeds if it exists.
    package static func makeDirectory(_ path: String) throws(CheckpointError) {
        if isDirectory(path) { return }
        let parent = directoryName(of: path)
        if parent != path, !parent.isEmpty, !exists(parent) { try makeDirectory(parent) }
        guard SystemPath.withCString(path, { mkdir($0, 0o755) }) == 0 || errno == EEXIST else {
            throw .io(file: path, reason: "cannot create directory: \(errnoText())")
        }
        guard isDirectory(path) else { throw .io(file: path, reason: "expected a directory, found \(kind(of: path)?.description ?? "nothing")") }
    }

    /// Names in a directory (no `.`/`..`), sorted.
    package static func listDirectory(_ path: String) throws(CheckpointError) -> [String] {
        guard let d = SystemPath.withCString(path, { opendir($0) }) else { throw .io(file: path, reason: errnoText()) }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafePointer(to: e.pointee.d_name) {
                SystemPath.decode(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Removes `path`: a file or link is unlinked (a link is never followed), a directory is
    /// emptied the same way and removed. Errors are ignored (best effort, for temporaries).
    package static func removeTree(_ path: String) {
        if kind(of: path, followingLinks: false) == .directory {
            for name in (try? listDirectory(path)) ?? [] { removeTree(join(path, name)) }
            _ = SystemPath.withCString(path) { rmdir($0) }
        } else {
            _ = SystemPath.withCString(path) { unlink($0) }
        }
    }

    /// Removes `path` if it is an empty directory (best effort: anything in it keeps it).
    package static func removeEmptyDirectory(_ path: String) {
        _ = SystemPath.withCString(path) { rmdir($0) }
    }

    /// Renames `from` to `to` (replacing a file or empty directory there).
    static func rename(_ from: String, _ to: String) -> Bool {
        SystemPath.withCString(from) { f in SystemPath.withCString(to) { t in Glibc.rename(f, t) } } == 0
    }

    /// Flushes a directory's entries to disk (after a rename into it). Best effort.
    static func syncDirectory(_ path: String) {
        let fd = SystemPath.withCString(path) { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        if fd >= 0 { _ = fsync(fd); close(fd) }
    }
}
