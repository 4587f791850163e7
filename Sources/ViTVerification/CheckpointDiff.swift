import ViTInference
import ViTModel
import Tensors

/// Compares two checkpoints parameter by parameter through the graph, across formats.
public struct CheckpointDiff: Sendable {
    /// How one graph parameter compares: bit-identical, within `atol`, different, or present
    /// in only one checkpoint.
    public enum Status: String, Sendable { case identical, close, different, onlyInA = "only_in_a", onlyInB = "only_in_b", shapeMismatch = "shape_mismatch" }

    /// One graph parameter's comparison.
    public struct Entry: Sendable {
        /// The canonical graph parameter name.
        public var name: String
        /// How it compares.
        public var status: Status
        /// The largest absolute difference (nil when it is in only one checkpoint).
        public var maxAbsDiff: Double?
    }

    /// Every graph parameter of either checkpoint, in graph order.
    public var entries: [Entry]
    /// The absolute tolerance used.
    public var atol: Double

    /// True when every parameter is in both and within `atol`.
    public var agrees: Bool { entries.allSatisfy { $0.status == .identical || $0.status == .close } }

    /// Compares `a` and `b` parameter by parameter in canonical layout (across formats and
    /// dtypes, values as float64).
    ///
    /// - Throws: `CheckpointError` when a tensor cannot be read; `ViTError` from the mapping.
    public init(_ a: ViTCheckpoint, _ b: ViTCheckpoint, atol: Double) throws {
        self.atol = atol
        let namesA = a.config.graphParameters.map(\.name).filter { a.sources[$0] != nil }
        let namesB = Set(b.config.graphParameters.map(\.name).filter { b.sources[$0] != nil })
        var entries: [Entry] = []
        for name in namesA {
            guard namesB.contains(name) else { entries.append(Entry(name: name, status: .onlyInA)); continue }
            let ta = try a.parameter(name), tb = try b.parameter(name)
            guard ta.shape == tb.shape else { entries.append(Entry(name: name, status: .shapeMismatch)); continue }
            let x = try ta.floats(), y = try tb.floats()
            var maxDiff: Double = 0
            var bitIdentical = ta.dtype == tb.dtype
            // Equal bits differ by nothing (even NaN); a NaN against anything else differs by infinity.
            for i in 0..<x.count where x[i].bitPattern != y[i].bitPattern {
                bitIdentical = false
                let d = Double(abs(x[i] - y[i]))
                maxDiff = d.isNaN ? .infinity : max(maxDiff, d)
            }
            let status: Status = bitIdentical ? .identical : (maxDiff <= atol ? .close : .different)
            entries.append(Entry(name: name, status: status, maxAbsDiff: maxDiff))
        }
        let setA = Set(namesA)
        for name in b.config.graphParameters.map(\.name) where b.sources[name] != nil && !setA.contains(name) {
            entries.append(Entry(name: name, status: .onlyInB))
        }
        self.entries = entries
    }

    package var json: JSON {
        .object([
            ("agree", .bool(agrees)),
            ("atol", .double(atol)),
            ("tensors", .array(entries.map { e in
                var m: [(String, JSON)] = [("name", .string(e.name)), ("status", .string(e.status.rawValue))]
                if let d = e.maxAbsDiff { m.append(("max_abs_diff", .double(d))) }
                return .object(m)
            })),
        ])
    }
}
