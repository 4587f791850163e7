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

    /// `elementCount * dtype.byteSize`, or `nil` on overflow.
    public static func byteCount(_ dims: [Int], _ dtype: DType) -> Int? {
        guard let n = elementCount(dims) else { return nil }
        let (b, overflow) = n.multipliedReportingOverflow(by: dtype.byteSize)
        return overflow ? nil : b
    }

    /// `[2, 3, 4]` as `"[2, 3, 4]"`.
    package static func describe(_ dims: [Int]) -> String {
        "[" + dims.map(String.init).joined(separator: ", ") + "]"
    }
}
