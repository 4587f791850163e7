internal import CDeflate

/// CRC-32 (ZIP, IEEE 802.3) through zlib's `crc32_z`, which runs at several GB/s.
enum CRC32 {
    /// The CRC of `bytes` continuing from `previous` (0 to start).
    static func update(_ previous: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return previous }
        let crc = crc32_z(uLong(previous), base.assumingMemoryBound(to: UInt8.self), z_size_t(bytes.count))
        return UInt32(truncatingIfNeeded: crc)
    }

    /// The CRC of `bytes` continuing from `previous` (0 to start).
    static func update(_ previous: UInt32, _ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { update(previous, $0) }
    }
}
