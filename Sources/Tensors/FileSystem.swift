#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small POSIX file-system queries used by the readers and writers.
public enum FileSystem {
    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    /// The canonical absolute path, or nil if it does not exist.
    public static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    /// Joins a directory and a relative name.
    public static func join(_ dir: String, _ name: String) -> String {
        dir.hasSuffix("/") ? dir + name : dir + "/" + name
    }

    /// Reads a whole (small) file.
    public static func readFile(_ path: String, limit: Int = 64 << 20) throws(CheckpointError) -> [UInt8] {
        let file = try MappedFile(path: path)
        guard file.count <= limit else { throw .malformed(file: path, reason: "file is larger than \(limit) bytes") }
        return Array(file.bytes)
    }

    /// Creates a directory (and parents); succeeds if it exists.
    public static func makeDirectory(_ path: String) throws(CheckpointError) {
        if isDirectory(path) { return }
        let parent = AtomicFileWriter.directory(of: path)
        if parent != path, !parent.isEmpty, !exists(parent) { try makeDirectory(parent) }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw .io(file: path, reason: "cannot create directory: \(MappedFile.errnoText())")
        }
    }

    /// Names in a directory (no `.`/`..`), sorted.
    public static func listDirectory(_ path: String) throws(CheckpointError) -> [String] {
        guard let d = opendir(path) else { throw .io(file: path, reason: MappedFile.errnoText()) }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafePointer(to: e.pointee.d_name) { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}

extension FileSystem {
    /// The directory part of `path` (`.` when there is none).
    public static func directoryName(of path: String) -> String { AtomicFileWriter.directory(of: path) }
    /// The last component of `path`.
    public static func baseName(of path: String) -> String { AtomicFileWriter.baseName(of: path) }
}

extension FileSystem {
    /// Reads a file with `read(2)` up to `limit` bytes: for kernel files like `/proc/cpuinfo`,
    /// which report size 0 and cannot be memory-mapped.
    public static func readStream(_ path: String, limit: Int = 4 << 20) throws(CheckpointError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(file: path, reason: MappedFile.errnoText()) }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while out.count < limit {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(file: path, reason: MappedFile.errnoText())
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<min(n, limit - out.count)])
        }
        return out
    }
}
