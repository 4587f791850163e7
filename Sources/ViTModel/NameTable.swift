/// Exact lookup of a UTF-8 byte string among a few fixed ASCII names (a scheme's rule names).
///
/// Names are bucketed by length, first and last byte, so a lookup compares the bytes of at
/// most a handful of candidates of the same length and never allocates. Comparison is
/// byte-wise (as in the safetensors reference), not by Unicode canonical equivalence.
struct NameTable: Sendable {
    private var buckets: [Int: [(name: [UInt8], value: Int)]] = [:]

    /// Adds `name`; the first value added for a name wins.
    mutating func insert(_ name: String, _ value: Int) {
        let bytes = Array(name.utf8)
        let key = Self.key(bytes.count, bytes.first, bytes.last)
        if buckets[key]?.contains(where: { $0.name == bytes }) == true { return }
        buckets[key, default: []].append((bytes, value))
    }

    /// The value stored for exactly these bytes.
    ///
    /// `work` grows by the bytes compared (plus one for the bucket probe).
    func lookup(_ bytes: UnsafeBufferPointer<UInt8>, work: inout Int) -> Int? {
        work += 1
        guard let bucket = buckets[Self.key(bytes.count, bytes.first, bytes.last)] else { return nil }
        for candidate in bucket {
            work += bytes.count
            if candidate.name.withUnsafeBufferPointer({ $0.elementsEqual(bytes) }) { return candidate.value }
        }
        return nil
    }

    private static func key(_ count: Int, _ first: UInt8?, _ last: UInt8?) -> Int {
        count << 16 | Int(first ?? 0) << 8 | Int(last ?? 0)
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether the bytes from `offset` on start with `prefix` (bounds-checked).
    func hasBytes(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
        guard offset >= 0, prefix.count <= count - offset else { return false }
        for (k, b) in prefix.enumerated() where self[offset + k] != b { return false }
        return true
    }
}
