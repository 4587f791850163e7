#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file atomically: data goes to a temporary file beside the destination, which is
/// fsync'ed and renamed over the destination only by `commit()`. If the writer is dropped
/// without `commit()`, the temporary file is removed and the destination is untouched.
///
/// Writes are buffered; `write` may be called with pieces of any size.
public final class AtomicFileWriter {
    public let destination: String
    let temporaryPath: String
    var fd: Int32
    var buffer: [UInt8] = []
    var committed = false
    /// Bytes written so far.
    public private(set) var offset: Int = 0
    static let bufferSize = 1 << 20

    /// Creates the temporary file next to `destination`.
    ///
    /// - Throws: `CheckpointError.io` when the directory is not writable.
    public init(destination: String) throws(CheckpointError) {
        self.destination = destination
        let dir = AtomicFileWriter.directory(of: destination)
        var template = Array("\(dir)/.\(AtomicFileWriter.baseName(of: destination)).vitkit-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw .io(file: destination, reason: "cannot create a temporary file in \(dir): \(MappedFile.errnoText())") }
        self.fd = fd
        self.temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        _ = fchmod(fd, 0o644)
        buffer.reserveCapacity(Self.bufferSize)
    }

    /// Appends bytes.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(CheckpointError) {
        if buffer.count + bytes.count > Self.bufferSize { try flush() }
        if bytes.count >= Self.bufferSize {
            try writeAll(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
        offset += bytes.count
    }

    /// Appends bytes.
    public func write(_ bytes: [UInt8]) throws(CheckpointError) {
        try bytes.withUnsafeBytes { b in Result { () throws(CheckpointError) in try write(b) } }.get()
    }

    /// Appends `count` zero bytes.
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
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(file: destination, reason: "write failed: \(MappedFile.errnoText())")
            }
            done += n
        }
    }

    /// Flushes, fsyncs and renames the temporary file to the destination.
    public func commit() throws(CheckpointError) {
        try flush()
        guard fsync(fd) == 0 else { throw .io(file: destination, reason: "fsync failed: \(MappedFile.errnoText())") }
        close(fd)
        fd = -1
        guard rename(temporaryPath, destination) == 0 else {
            throw .io(file: destination, reason: "rename failed: \(MappedFile.errnoText())")
        }
        committed = true
        let dirfd = open(AtomicFileWriter.directory(of: destination), O_RDONLY)
        if dirfd >= 0 { _ = fsync(dirfd); close(dirfd) }
    }

    deinit {
        if fd >= 0 { close(fd) }
        if !committed { unlink(temporaryPath) }
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func baseName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
