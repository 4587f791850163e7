import Dispatch

/// Summary statistics of a tensor's values, as numpy computes them over the float64 values:
/// `min`, `max`, `mean` and population `std` (`ddof=0`) of the finite values, and the counts of
/// NaN, infinite and exactly-zero values. One streaming pass in pieces of 64K elements, so
/// memory stays bounded whatever the tensor's size and dtype; tensors of 256K elements or more
/// are split in two halves read on two threads, whose sums are merged (Chan et al.).
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

    static let parallelThreshold = 1 << 18

    /// Statistics of `tensor`'s values, converted to `Float` as `Tensor.convert` does.
    ///
    /// - Throws: `CheckpointError` from reading the values.
    public init(_ tensor: Tensor) throws(CheckpointError) {
        let n = tensor.elementCount
        let total: Accumulator
        if n < Self.parallelThreshold {
            total = try Accumulator(tensor, elements: 0..<n)
        } else {
            let halves = [0..<(n / 2), (n / 2)..<n]
            let results = UnsafeMutableBufferPointer<Result<Accumulator, CheckpointError>>.allocate(capacity: 2)
            defer { results.deallocate() }
            nonisolated(unsafe) let slots = results
            DispatchQueue.concurrentPerform(iterations: 2) { k in
                (slots.baseAddress! + k).initialize(to: Result { () throws(CheckpointError) in
                    try Accumulator(tensor, elements: halves[k])
                })
            }
            defer { _ = results.baseAddress!.deinitialize(count: 2) }
            var merged = try results[0].get()
            merged.merge(try results[1].get())
            total = merged
        }
        count = n
        nan = total.nan
        inf = total.inf
        zeros = total.zeros
        if total.finite == 0 {
            (min, max, mean, std) = (.nan, .nan, .nan, .nan)
        } else {
            (min, max, mean, std) = (total.low, total.high, total.mean, (total.m2 / Double(total.finite)).squareRoot())
        }
    }

    /// Running counts, extremes, mean and sum of squared deviations over finite values.
    struct Accumulator {
        var finite = 0, nan = 0, inf = 0, zeros = 0
        var mean = 0.0, m2 = 0.0
        var low = Double.infinity, high = -Double.infinity

        /// Reads `elements` of `tensor` in pieces.
        init(_ tensor: Tensor, elements: Range<Int>) throws(CheckpointError) {
            try tensor.forEachPiece(of: elements) { add($0) }
        }

        /// Adds one piece: counts and extremes, then its finite values' mean and squared
        /// deviations (a second pass while the piece is in cache), merged into the totals.
        mutating func add(_ values: UnsafeBufferPointer<Float>) {
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
            let pieceMean = sum / Double(k)
            var pieceM2 = 0.0
            for v in values where v.isFinite {
                let e = Double(v) - pieceMean
                pieceM2 += e * e
            }
            combine(count: k, mean: pieceMean, m2: pieceM2)
        }

        /// Merges another accumulator's values (Chan et al.'s pairwise update).
        mutating func merge(_ o: Accumulator) {
            nan += o.nan
            inf += o.inf
            zeros += o.zeros
            low = Swift.min(low, o.low)
            high = Swift.max(high, o.high)
            if o.finite > 0 { combine(count: o.finite, mean: o.mean, m2: o.m2) }
        }

        private mutating func combine(count k: Int, mean otherMean: Double, m2 otherM2: Double) {
            let total = finite + k
            let delta = otherMean - mean
            mean += delta * Double(k) / Double(total)
            m2 += otherM2 + delta * delta * Double(finite) * Double(k) / Double(total)
            finite = total
        }
    }
}
