#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
internal import CVitKitSystem

/// A read-only, memory-mapped file. Mapping reads nothing: pages come in when touched.
///
/// The mapping lives as long as this object; tensor views keep it alive. Each mapping is
/// remembered for the SIGBUS handler (`Interruption.installHandlers`): a file truncated or
/// replaced while it is read ends the process with a message naming it, not a crash.
package final class MappedFile: @unchecked Sendable {
    /// The path that was mapped, for messages.
    package let path: String
    /// The file's bytes. Empty for an empty file.
    package let bytes: UnsafeRawBufferPointer
    /// This mapping's entry in the SIGBUS handler's table.
    private let faultSlot: Int32

    /// Maps `path` read-only.
    ///
    /// - Throws: `CheckpointError.io` when the file cannot be opened, is not a regular file,
    ///   or cannot be mapped.
    package init(path: String) throws(CheckpointError) {
        self.path = path
        let (fd, size) = try FileSystem.openRegularFile(path)
        defer { close(fd) }
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            faultSlot = -1
            return
        }
        let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else { throw .io(file: path, reason: "mmap failed: \(FileSystem.errnoText())") }
        bytes = UnsafeRawBufferPointer(start: p, count: size)
        faultSlot = SystemPath.withCString(path) { csystem_remember_mapping(p, size, $0) }
    }

    /// The file size in bytes.
    package var count: Int { bytes.count }

    /// Advises the kernel that `range` will be read sequentially soon.
    package func adviseSequential(_ range: Range<Int>) {
        guard let base = bytes.baseAddress, !range.isEmpty else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = range.lowerBound / page * page
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), range.upperBound - start, MADV_WILLNEED)
    }

    deinit {
        csystem_forget_mapping(faultSlot)
        if let base = bytes.baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        }
    }

}

extension MappedFile {
    /// Drops the resident pages wholly inside `range` (they are re-read from the file if
    /// touched again). Keeps resident memory near one tensor while streaming a large file.
    package func release(_ range: Range<Int>) {
        guard let base = bytes.baseAddress, !range.isEmpty else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (range.lowerBound + page - 1) / page * page
        let end = range.upperBound / page * page
        guard end > start else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
    }
}
