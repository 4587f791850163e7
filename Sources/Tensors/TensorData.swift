#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Memory owned by a tensor, zeroed, at least 64-byte aligned.
///
/// Buffers of 1 MiB and more are anonymous memory maps, returned to the system as soon as
/// the tensor is dropped: streaming a model through malloc'd buffers of varying sizes
/// otherwise leaves the heap fragmented at several times the largest tensor (glibc raises
/// its mmap threshold after the first large free).
///
/// Thread safety: the bytes are written only while the buffer is being filled, by the one
/// thread that created it (`init(count:initializingWith:)`, or package code writing
/// `bytes` before it hands the buffer to `TensorData.owned`); once shared they are only
/// read. That is what makes the `@unchecked Sendable` sound, and why the mutable pointer is
/// not public.
public final class OwnedBuffer: @unchecked Sendable {
    /// The memory, writable: package code fills it before the buffer is shared, never after.
    package let bytes: UnsafeMutableRawBufferPointer
    let isMapped: Bool
    static let mapThreshold = 1 << 20

    /// Allocates `count` zeroed bytes.
    public init(count: Int) {
        if count >= Self.mapThreshold,
           let p = mmap(nil, count, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), p != MAP_FAILED {
            bytes = UnsafeMutableRawBufferPointer(start: p, count: count)
            isMapped = true
            return
        }
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 64)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: max(count, 1))
        bytes = UnsafeMutableRawBufferPointer(start: raw, count: count)
        isMapped = false
    }

    /// Allocates `count` zeroed bytes and lets `body` fill them before anyone else can see
    /// the buffer.
    ///
    /// The pointer passed to `body` is valid only during the call and must not escape it.
    ///
    /// - Throws: what `body` throws; the memory is then freed.
    public convenience init<E: Error>(
        count: Int, initializingWith body: (UnsafeMutableRawBufferPointer) throws(E) -> Void
    ) throws(E) {
        self.init(count: count)
        try body(bytes)
    }

    deinit {
        guard let base = bytes.baseAddress else { return }
        if isMapped { munmap(base, bytes.count) } else { base.deallocate() }
    }
}

/// The bytes of one tensor: either a view into a memory-mapped file (no copy) or owned memory.
///
/// Bytes are in the tensor's dtype, little-endian, row-major. A mapped view may be unaligned
/// (npz members are): read it with `loadUnaligned` or convert through `Tensor.floats()`.
///
/// Lifetime: the memory (a file's mapping, or an `OwnedBuffer`) lives as long as any copy
/// of this value; pointers from `withUnsafeBytes` are valid only inside its closure.
public struct TensorData: Sendable {
    enum Backing: Sendable {
        case mapped(MappedFile, Range<Int>)
        case owned(OwnedBuffer)
        /// Part of an owned buffer (a slice of a stacked tensor); keeps the whole buffer alive.
        case ownedSlice(OwnedBuffer, Range<Int>)
    }

    let backing: Backing

    /// A view of `range` inside `file`. The caller has checked that the range is in bounds.
    package static func mapped(_ file: MappedFile, range: Range<Int>) -> TensorData {
        precondition(range.lowerBound >= 0 && range.upperBound <= file.count)
        return TensorData(backing: .mapped(file, range))
    }

    /// Takes ownership of `buffer`, which must not be written afterwards.
    public static func owned(_ buffer: OwnedBuffer) -> TensorData {
        TensorData(backing: .owned(buffer))
    }

    /// Copies `bytes` into owned memory; `bytes` need only be valid during the call.
    public static func copying(_ bytes: UnsafeRawBufferPointer) -> TensorData {
        let buffer = OwnedBuffer(count: bytes.count)
        if bytes.count > 0 { buffer.bytes.copyMemory(from: bytes) }
        return .owned(buffer)
    }

    /// The bytes `range` of this data as a view, without copying: a mapped view stays a
    /// mapped view (of the smaller range), owned memory is shared.
    ///
    /// Traps unless `range` lies within `0..<count`; callers check it against the shape.
    package func slice(_ range: Range<Int>) -> TensorData {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "slice out of bounds")
        switch backing {
        case .mapped(let file, let r):
            return TensorData(backing: .mapped(file, (r.lowerBound + range.lowerBound)..<(r.lowerBound + range.upperBound)))
        case .owned(let b):
            return TensorData(backing: .ownedSlice(b, range))
        case .ownedSlice(let b, let r):
            return TensorData(backing: .ownedSlice(b, (r.lowerBound + range.lowerBound)..<(r.lowerBound + range.upperBound)))
        }
    }

    /// True when the bytes are a view into a mapped file.
    public var isMapped: Bool {
        if case .mapped = backing { return true }
        return false
    }

    /// For a mapped view, drops its resident pages (a hint: the data stays readable and is
    /// read from the file again if touched). Does nothing for owned memory.
    ///
    /// Call it after processing a tensor when streaming a large checkpoint, to keep resident
    /// memory near one tensor.
    public func releaseResidentPages() {
        if case .mapped(let file, let r) = backing { file.release(r) }
    }

    /// Number of bytes.
    public var count: Int {
        switch backing {
        case .mapped(_, let r), .ownedSlice(_, let r): r.count
        case .owned(let b): b.bytes.count
        }
    }

    /// Calls `body` with the raw bytes (valid only during the call).
    ///
    /// A mapped view may be unaligned: read it with `loadUnaligned`. The bytes of a mapped
    /// view come from the file as it is now; a file truncated while mapped raises SIGBUS
    /// (see `Interruption.installHandlers`).
    ///
    /// - Throws: what `body` throws.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        switch backing {
        case .mapped(let file, let r):
            let slice = UnsafeRawBufferPointer(rebasing: file.bytes[r])
            return try body(slice)
        case .owned(let b):
            return try body(UnsafeRawBufferPointer(b.bytes))
        case .ownedSlice(let b, let r):
            return try body(UnsafeRawBufferPointer(rebasing: b.bytes[r]))
        }
    }
}
