#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only, memory-mapped file. Mapping reads nothing: pages come in when touched.
///
/// The mapping lives as long as this object; tensor views keep it alive.
public final class MappedFile: @unchecked Sendable {
    /// The path that was mapped, for messages.
    public let path: String
    /// The file's bytes. Empty for an empty file.
    public let bytes: UnsafeRawBufferPointer

    /// Maps `path` read-only.
    ///
    /// - Throws: `CheckpointError.io` when the file cannot be opened, is not a regular file,
    ///   or cannot be mapped.
    public init(path: String) throws(CheckpointError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(file: path, reason: Self.errnoText()) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .io(file: path, reason: Self.errnoText()) }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw .io(file: path, reason: "not a regular file")
        }
        let size = Int(st.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else { throw .io(file: path, reason: "mmap failed: \(Self.errnoText())") }
        bytes = UnsafeRawBufferPointer(start: p, count: size)
    }

    /// The file size in bytes.
    public var count: Int { bytes.count }

    /// Advises the kernel that `range` will be read sequentially soon.
    public func adviseSequential(_ range: Range<Int>) {
        guard let base = bytes.baseAddress, !range.isEmpty else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = range.lowerBound / page * page
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), range.upperBound - start, MADV_WILLNEED)
    }

    deinit {
        if let base = bytes.baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}

extension MappedFile {
    /// Drops the resident pages wholly inside `range` (they are re-read from the file if
    /// touched again). Keeps resident memory near one tensor while streaming a large file.
    public func release(_ range: Range<Int>) {
        guard let base = bytes.baseAddress, !range.isEmpty else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (range.lowerBound + page - 1) / page * page
        let end = range.upperBound / page * page
        guard end > start else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
    }
}
