/// Summary statistics of a tensor's values, as numpy computes them over the float64 values:
/// `min`, `max`, `mean` and population `std` (`ddof=0`) of the finite values, and the counts of
/// NaN, infinite and exactly-zero values. One streaming pass in pieces of 64K elements, so
/// memory stays bounded whatever the tensor's size and dtype.
public struct TensorStatistics: Sendable, Equatable {
    /// Elements in the tensor.
    public var count: Int
    /// Over the finite values; NaN when there are none.
    public var min: Double
    public var max: Double
    public var mean: Double
    public var std: Double
    public var nan: Int
    public var inf: Int
    public var zeros: Int

    static let piece = 1 << 16

    /// Statistics of `tensor`'s values, converted to `Float` as `Tensor.convert` does.
    ///
    /// - Throws: `CheckpointError` from reading the values.
    public init(_ tensor: Tensor) throws(CheckpointError) {
        let n = tensor.elementCount
        var finite = 0, nan = 0, inf = 0, zeros = 0
        var mean = 0.0, m2 = 0.0  // running mean and sum of squared deviations (Chan et al.)
        var low = Double.infinity, high = -Double.infinity
        var buffer = [Float](repeating: 0, count: Swift.min(n, Self.piece))
        var start = 0
        while start < n {
            let count = Swift.min(Self.piece, n - start)
            try buffer.withUnsafeMutableBufferPointer { (all) throws(CheckpointError) in
                let values = UnsafeMutableBufferPointer(rebasing: all[0..<count])
                try tensor.convert(elements: start..<(start + count), into: values)
                // Pass 1: counts, extremes and the sum of the piece's finite values.
                var k = 0, sum = 0.0
                for v in values {
                    if v.isNaN { nan += 1; continue }
                    if v.isInfinite { inf += 1; continue }
                    if v == 0 { zeros += 1 }
                    let d = Double(v)
                    sum += d
                    low = Swift.min(low, d)
                    high = Swift.max(high, d)
                    k += 1
                }
                guard k > 0 else { return }
                // Pass 2 over the piece (in cache): squared deviations from its own mean.
                let pieceMean = sum / Double(k)
                var pieceM2 = 0.0
                for v in values where v.isFinite {
                    let e = Double(v) - pieceMean
                    pieceM2 += e * e
                }
                let total = finite + k
                let delta = pieceMean - mean
                mean += delta * Double(k) / Double(total)
                m2 += pieceM2 + delta * delta * Double(finite) * Double(k) / Double(total)
                finite = total
            }
            start += count
        }
        self.count = n
        self.nan = nan
        self.inf = inf
        self.zeros = zeros
        if finite == 0 {
            (min, max, self.mean, std) = (.nan, .nan, .nan, .nan)
        } else {
            (min, max, self.mean, std) = (low, high, mean, (m2 / Double(finite)).squareRoot())
        }
    }
}
