/// Little-endian, unaligned field reads from mapped bytes.
///
/// The readers do not check bounds themselves: every caller first validates the whole record
/// with `checkedRange`, which uses overflow-checked arithmetic.
extension UnsafeRawBufferPointer {
    @inline(__always)
    func le16(_ offset: Int) -> UInt16 { UInt16(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self)) }

    @inline(__always)
    func le32(_ offset: Int) -> UInt32 { UInt32(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }

    @inline(__always)
    func le64(_ offset: Int) -> UInt64 { UInt64(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }

    /// `offset ..< offset + count` when it lies inside the buffer; nil when it does not or the
    /// arithmetic overflows.
    func checkedRange(_ offset: Int, _ count: Int) -> Range<Int>? {
        guard offset >= 0, count >= 0 else { return nil }
        let (end, overflow) = offset.addingReportingOverflow(count)
        guard !overflow, end <= self.count else { return nil }
        return offset..<end
    }

    /// The bytes of `range` (already validated) as a buffer of their own.
    func slice(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: self[range])
    }
}

/// Little-endian field writes into a growing byte array.
extension Array where Element == UInt8 {
    mutating func appendLE(_ v: UInt16) { Swift.withUnsafeBytes(of: v.littleEndian) { append(contentsOf: $0) } }
    mutating func appendLE(_ v: UInt32) { Swift.withUnsafeBytes(of: v.littleEndian) { append(contentsOf: $0) } }
    mutating func appendLE(_ v: UInt64) { Swift.withUnsafeBytes(of: v.littleEndian) { append(contentsOf: $0) } }
}

/// `a + b` or nil on overflow.
@inline(__always)
func checkedAdd(_ a: Int, _ b: Int) -> Int? {
    let (r, o) = a.addingReportingOverflow(b)
    return o ? nil : r
}

/// `a * b` or nil on overflow.
@inline(__always)
func checkedMultiply(_ a: Int, _ b: Int) -> Int? {
    let (r, o) = a.multipliedReportingOverflow(by: b)
    return o ? nil : r
}
