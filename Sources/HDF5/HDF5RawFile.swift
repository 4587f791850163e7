import Tensors
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A structural problem found by vitkit's own reading of HDF5 metadata (before libhdf5 sees
/// the file): the reason says where, what was expected and what was found.
struct HDF5StructureError: Error {
    var reason: String
    /// A structure vitkit does not read (shared message heap, virtual layout) rather than damage.
    var unsupported = false
    /// Set for a datatype in an encoding newer than libhdf5 1.10 decodes (datatype version 4+,
    /// HDF5 2.0's complex class): what it is, in plain words. An object holding one is skipped,
    /// not the file refused.
    var newerDatatype: String?
    init(_ reason: String) { self.reason = reason }

    /// The same error with `context` before its reason.
    func prefixed(_ context: String) -> HDF5StructureError {
        var error = self
        error.reason = "\(context): \(reason)"
        return error
    }
}

/// An HDF5 file read with `pread`, range by range, every range checked against the file size.
///
/// Used only for the metadata vitkit checks itself (superblock, object headers, dense attribute
/// storage, global heap collections); no mapping, so a file that shrinks gives an error, not SIGBUS.
struct HDF5RawFile: ~Copyable {
    let fd: Int32
    let size: UInt64

    /// Opens `path` read-only.
    init(path: String) throws(HDF5StructureError) {
        // Through the shared file layer: any file name, never blocking on a FIFO.
        do {
            let (fd, size) = try FileSystem.openRegularFile(path)
            self.fd = fd
            self.size = UInt64(size)
        } catch {
            if case .io(_, let reason) = error { throw HDF5StructureError("cannot open: \(reason)") }
            throw HDF5StructureError("cannot open: \(error)")
        }
    }

    deinit { close(fd) }

    /// `count` bytes at file offset `offset`.
    ///
    /// - Throws: when the range runs past the end of the file (naming `what`) or `pread` fails.
    func read(_ offset: UInt64, _ count: Int, _ what: @autoclosure () -> String) throws(HDF5StructureError) -> HDF5Bytes {
        let (end, overflow) = offset.addingReportingOverflow(UInt64(count))
        guard count >= 0, !overflow, end <= size else {
            throw HDF5StructureError("\(what()) at offset \(offset) (\(count) bytes) runs past the end of the file (\(size) bytes)")
        }
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw HDF5StructureError("cannot read \(what()) at offset \(offset): the file is shorter than it was") }
            done += n
        }
        return HDF5Bytes(bytes: bytes, offset: offset)
    }
}

/// Bytes read from an HDF5 file at `offset`, with bounds-checked little-endian loads.
struct HDF5Bytes {
    var bytes: [UInt8]
    /// The file offset of `bytes[0]` (for messages).
    var offset: UInt64

    var count: Int { bytes.count }

    func u8(_ at: Int) throws(HDF5StructureError) -> UInt8 { try uint(at, 1).low8 }

    /// The little-endian unsigned integer of `width` bytes (1...8) at `at`.
    func uint(_ at: Int, _ width: Int) throws(HDF5StructureError) -> UInt64 {
        let (end, overflow) = at.addingReportingOverflow(width)
        guard at >= 0, width >= 1, width <= 8, !overflow, end <= bytes.count else {
            throw HDF5StructureError("a \(width)-byte field at offset \(offset &+ UInt64(max(at, 0))) runs past its structure")
        }
        var value: UInt64 = 0
        for i in (at..<end).reversed() { value = value << 8 | UInt64(bytes[i]) }
        return value
    }

    /// Bytes `[from, from+count)` as a new `HDF5Bytes` (offset adjusted).
    func slice(_ from: Int, _ count: Int) throws(HDF5StructureError) -> HDF5Bytes {
        let (end, overflow) = from.addingReportingOverflow(count)
        guard from >= 0, count >= 0, !overflow, end <= bytes.count else {
            throw HDF5StructureError("\(count) bytes at offset \(offset &+ UInt64(max(from, 0))) run past their structure")
        }
        return HDF5Bytes(bytes: Array(bytes[from..<end]), offset: offset + UInt64(from))
    }
}

private extension UInt64 {
    var low8: UInt8 { UInt8(truncatingIfNeeded: self) }
}

/// `value` rounded up to a multiple of 8 (v1 object headers and attribute fields), nil on overflow.
func hdf5Align8(_ value: Int) -> Int? {
    let (sum, overflow) = value.addingReportingOverflow(7)
    return overflow ? nil : sum & ~7
}
