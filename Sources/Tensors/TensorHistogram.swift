/// Counts of a tensor's finite values in equal bins, as `numpy.histogram(values, bins,
/// range=(low, high))` counts them: bin `i` holds `[edge i, edge i+1)`, the last bin includes
/// `high`, values outside the range are not counted. Read in pieces (bounded memory).
public struct TensorHistogram: Sendable, Equatable {
    /// The range the bins cover: from `low` (included) to `high` (included in the last bin).
    public var low: Double
    /// The range's upper end.
    public var high: Double
    /// Values per bin, left to right.
    public var counts: [Int]

    /// Bins over `low...high` (`statistics.min...max` for the whole distribution); equal
    /// bounds widen to `low - 0.5 ... high + 0.5`, as numpy does.
    ///
    /// - Throws: `CheckpointError` from reading the values.
    public init(_ tensor: Tensor, bins: Int, low: Double, high: Double) throws(CheckpointError) {
        precondition(bins > 0, "at least one bin")
        let (low, high) = low == high ? (low - 0.5, high + 0.5) : (low, high)
        self.low = low
        self.high = high
        var counts = [Int](repeating: 0, count: bins)
        guard low.isFinite, high.isFinite, low <= high else {
            self.counts = counts
            return
        }
        // numpy's edges (linspace) and its index rule: a first guess from the scaled value,
        // corrected against the edges so a value on an edge lands where numpy puts it.
        let edges = (0...bins).map { i in i == bins ? high : low + Double(i) * ((high - low) / Double(bins)) }
        let norm = high > low ? Double(bins) / (high - low) : 0
        try tensor.forEachPiece(of: 0..<tensor.elementCount) { values in
            for v in values where v.isFinite {
                let x = Double(v)
                guard x >= low, x <= high else { continue }
                var i = Swift.min(Int((x - low) * norm), bins - 1)
                if x < edges[i] { i -= 1 } else if i != bins - 1, x >= edges[i + 1] { i += 1 }
                counts[i] += 1
            }
        }
        self.counts = counts
    }

    /// The histogram of `tensor` over its own finite range (`statistics` of the same tensor).
    public init(_ tensor: Tensor, bins: Int, statistics: TensorStatistics) throws(CheckpointError) {
        try self.init(tensor, bins: bins, low: statistics.min, high: statistics.max)
    }
}
