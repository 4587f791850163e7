/// Overflow-checked arithmetic on tensor shapes.
///
/// Shapes are plain `[Int]` arrays (row-major, outermost first). These helpers never trap:
/// a shape whose element count or byte size does not fit in `Int` yields `nil`.
public enum Shape {
    /// The product of `dims`, or `nil` if a dimension is negative or the product overflows.
    public static func elementCount(_ dims: [Int]) -> Int? {
        var count = 1
        for d in dims {
            guard d >= 0 else { return nil }
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            count = p
        }
        return count
    }

    /// `elementCount * dtype.bitSize / 8`, or `nil` on overflow or when packed elements (F4)
    /// do not fill a whole number of bytes (safetensors refuses those too).
    public static func byteCount(_ dims: [Int], _ dtype: DType) -> Int? {
        guard let n = elementCount(dims) else { return nil }
        guard dtype.isPacked else {
            let (bytes, overflow) = n.multipliedReportingOverflow(by: dtype.byteSize)
            return overflow ? nil : bytes
        }
        let (bits, overflow) = n.multipliedReportingOverflow(by: dtype.bitSize)
        return overflow || bits % 8 != 0 ? nil : bits / 8
    }

    /// `[2, 3, 4]` as `"[2, 3, 4]"`.
    package static func describe(_ dims: [Int]) -> String {
        "[" + dims.map(String.init).joined(separator: ", ") + "]"
    }
}
