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
        /// The graph part holding it (`embeddings`, `block 3`, ...; `GraphParameter.Part`).
        public var part: String = ""
        /// `‖a − b‖²` and `‖b‖²` in double precision; nil when not in both with the same shape.
        var squared: (change: Double, norm: Double)? = nil

        /// `‖a − b‖ / ‖b‖` over the tensor: how far `a` (e.g. a fine-tune) moved from `b` (its
        /// base). Nil when not in both with the same shape; infinite when `b` is all zeros and
        /// `a` is not.
        public var relativeChange: Double? { squared.map { CheckpointDiff.relative($0.change, $0.norm) } }
    }

    /// `sqrt(change / norm)`: 0 without change, infinite over a zero norm (or NaN values).
    static func relative(_ change: Double, _ norm: Double) -> Double {
        let r = change == 0 ? 0 : (change / norm).squareRoot()
        return r.isNaN ? .infinity : r
    }

    /// How far a graph part moved: its parameters in both checkpoints, how many changed, and
    /// `sqrt(Σ‖a − b‖²) / sqrt(Σ‖b‖²)` over them.
    public struct PartChange: Sendable {
        /// The graph part (`embeddings`, `block 3`, ...), as `Entry.part` names it.
        public var name: String
        /// Parameters compared (in both, same shape).
        public var tensors: Int
        /// Of those, the ones not bit-identical.
        public var changed: Int
        /// Nil when nothing was compared.
        public var relativeChange: Double?
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
        let partOf = Dictionary((a.config.graphParameters + b.config.graphParameters).map { ($0.name, $0.part.description) },
                                uniquingKeysWith: { first, _ in first })
        let namesA = a.config.graphParameters.map(\.name).filter { a.sources[$0] != nil }
        let namesB = Set(b.config.graphParameters.map(\.name).filter { b.sources[$0] != nil })
        var entries: [Entry] = []
        for name in namesA {
            guard namesB.contains(name) else { entries.append(Entry(name: name, status: .onlyInA, part: partOf[name] ?? "")); continue }
            let ta = try a.parameter(name), tb = try b.parameter(name)
            guard ta.shape == tb.shape else {
                entries.append(Entry(name: name, status: .shapeMismatch, part: partOf[name] ?? ""))
                continue
            }
            let x = try ta.floats(), y = try tb.floats()
            var maxDiff: Double = 0, squaredChange = 0.0, squaredNorm = 0.0
            var bitIdentical = ta.dtype == tb.dtype
            for v in y { squaredNorm += Double(v) * Double(v) }
            // Equal bits differ by nothing (even NaN); a NaN against anything else differs by infinity.
            for i in 0..<x.count where x[i].bitPattern != y[i].bitPattern {
                bitIdentical = false
                let d = Double(x[i]) - Double(y[i])
                maxDiff = d.isNaN ? .infinity : max(maxDiff, abs(d))
                squaredChange += d * d
            }
            let status: Status = bitIdentical ? .identical : (maxDiff <= atol ? .close : .different)
            entries.append(Entry(name: name, status: status, maxAbsDiff: maxDiff, part: partOf[name] ?? "",
                                 squared: (squaredChange, squaredNorm)))
        }
        let setA = Set(namesA)
        for name in b.config.graphParameters.map(\.name) where b.sources[name] != nil && !setA.contains(name) {
            entries.append(Entry(name: name, status: .onlyInB, part: partOf[name] ?? ""))
        }
        self.entries = entries
    }

    /// Each graph part's change, in graph order.
    public var parts: [PartChange] {
        var parts: [PartChange] = []
        var sums: [(change: Double, norm: Double)] = []
        for e in entries {
            let k = parts.firstIndex { $0.name == e.part } ?? {
                parts.append(PartChange(name: e.part, tensors: 0, changed: 0, relativeChange: nil))
                sums.append((0, 0))
                return parts.count - 1
            }()
            guard let squared = e.squared else { continue }
            parts[k].tensors += 1
            if e.status != .identical { parts[k].changed += 1 }
            sums[k].change += squared.change
            sums[k].norm += squared.norm
        }
        for k in parts.indices where parts[k].tensors > 0 {
            parts[k].relativeChange = Self.relative(sums[k].change, sums[k].norm)
        }
        return parts
    }

    /// A JSON number, or the string "inf" (JSON has no infinity).
    static func number(_ v: Double) -> JSON { v.isFinite ? .double(v) : .string("inf") }

    package var json: JSON {
        .object([
            ("agree", .bool(agrees)),
            ("atol", .double(atol)),
            ("tensors", .array(entries.map { e in
                var m: [(String, JSON)] = [("name", .string(e.name)), ("status", .string(e.status.rawValue))]
                if let d = e.maxAbsDiff { m.append(("max_abs_diff", .double(d))) }
                m.append(("part", .string(e.part)))
                if let r = e.relativeChange { m.append(("relative_change", Self.number(r))) }
                return .object(m)
            })),
            ("parts", .array(parts.map { p in
                .object([("name", .string(p.name)), ("tensors", .int(p.tensors)), ("changed", .int(p.changed)),
                         ("relative_change", p.relativeChange.map(Self.number) ?? .null)])
            })),
        ])
    }
}
