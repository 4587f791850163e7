import ViTInference
import ViTModel
import Tensors

/// Compares two checkpoints parameter by parameter through the graph, across formats.
public struct CheckpointDiff: Sendable {
    public enum Status: String, Sendable { case identical, close, different, onlyInA = "only_in_a", onlyInB = "only_in_b", shapeMismatch = "shape_mismatch" }

    public struct Entry: Sendable {
        public var name: String
        public var status: Status
        public var maxAbsDiff: Double?
    }

    public var entries: [Entry]
    public var atol: Double

    /// True when every parameter is in both and within `atol`.
    public var agrees: Bool { entries.allSatisfy { $0.status == .identical || $0.status == .close } }

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

    public var json: JSON {
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
