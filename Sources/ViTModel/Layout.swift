import Tensors

/// How an ecosystem stores a graph parameter relative to the canonical layout.
///
/// Every layout is a pure permutation/reshape of elements, so conversions are bit-exact in
/// any dtype.
public enum Layout: Sendable, Hashable {
    /// Same shape and element order.
    case same
    /// Dense kernel stored `[in, out]` (TF, JAX): canonical `[out, in]` is its transpose.
    case transposed
    /// Conv kernel stored HWIO `[kh, kw, in, out]`; canonical is OIHW.
    case hwio
    /// JAX q/k/v kernel `[D, H, hd]`; canonical `[H*hd, D]` = reshape to `[D, D]`, transposed.
    case jaxHeadsIn
    /// JAX q/k/v bias `[H, hd]`; canonical `[D]`.
    case jaxHeadsBias
    /// JAX attention-out kernel `[H, hd, D]`; canonical `[D, H*hd]` = reshape to `[D, D]`, transposed.
    case jaxHeadsOut
    /// Three canonical tensors stacked along dimension 0 (timm's fused qkv).
    case fusedRows
    /// Stored without the canonical leading dimension of 1 (keras-hub's position embedding
    /// `[N+1, D]` for canonical `[1, N+1, D]`); the same bytes.
    case squeezedLeadingOne

    /// True when `toCanonical` copies the elements (a permutation or a split) rather than
    /// returning a view of the stored bytes.
    public var copiesElements: Bool {
        switch self {
        case .same, .jaxHeadsBias, .squeezedLeadingOne: false
        case .transposed, .hwio, .jaxHeadsIn, .jaxHeadsOut, .fusedRows: true
        }
    }

    /// The stored shape for canonical `shapes` (one shape, or three for `fusedRows`).
    public func externalShape(canonical shapes: [[Int]], heads: Int) -> [Int] {
        let s = shapes[0]
        switch self {
        case .same: return s
        case .transposed: return [s[1], s[0]]
        case .hwio: return [s[2], s[3], s[1], s[0]]
        case .jaxHeadsIn: return [s[1], heads, s[0] / max(heads, 1)]
        case .jaxHeadsBias: return [heads, s[0] / max(heads, 1)]
        case .jaxHeadsOut: return [heads, s[1] / max(heads, 1), s[0]]
        case .fusedRows: return [shapes.reduce(0) { $0 + $1[0] }] + Array(s.dropFirst())
        case .squeezedLeadingOne: return Array(s.dropFirst())
        }
    }

    /// The canonical shapes implied by a stored shape, or nil if the rank is wrong.
    public func canonicalShapes(external e: [Int], parts: Int) -> [[Int]]? {
        switch self {
        case .same: return [e]
        case .transposed: return e.count == 2 ? [[e[1], e[0]]] : nil
        case .hwio: return e.count == 4 ? [[e[3], e[2], e[0], e[1]]] : nil
        case .jaxHeadsIn: return e.count == 3 ? [[e[1] * e[2], e[0]]] : nil
        case .jaxHeadsBias: return e.count == 2 ? [[e[0] * e[1]]] : nil
        case .jaxHeadsOut: return e.count == 3 ? [[e[2], e[0] * e[1]]] : nil
        case .fusedRows:
            guard e.count >= 1, parts > 0, e[0] % parts == 0 else { return nil }
            return Array(repeating: [e[0] / parts] + Array(e.dropFirst()), count: parts)
        case .squeezedLeadingOne: return [[1] + e]
        }
    }

    /// Canonical tensors from the stored one (bit-exact; `same` and `fusedRows` keep mapped views).
    public func toCanonical(_ t: Tensor, parts: Int) -> [Tensor] {
        let e = t.shape
        switch self {
        case .same: return [t]
        case .transposed: return [ElementPermutation.transpose2D(t, rows: e[0], cols: e[1], shape: [e[1], e[0]])]
        case .hwio: return [ElementPermutation.permute(t, dims: e, order: [3, 2, 0, 1])]
        case .jaxHeadsIn:
            return [ElementPermutation.transpose2D(t, rows: e[0], cols: e[1] * e[2], shape: [e[1] * e[2], e[0]])]
        case .jaxHeadsBias: return [Tensor(dtype: t.dtype, shape: [e[0] * e[1]], data: t.data)]
        case .jaxHeadsOut:
            return [ElementPermutation.transpose2D(t, rows: e[0] * e[1], cols: e[2], shape: [e[2], e[0] * e[1]])]
        case .fusedRows:
            return ElementPermutation.splitRows(t, parts: parts)
        case .squeezedLeadingOne: return [Tensor(dtype: t.dtype, shape: [1] + e, data: t.data)]
        }
    }

    /// The stored tensor from canonical ones (the inverse of `toCanonical`).
    public func fromCanonical(_ ts: [Tensor], heads: Int) -> Tensor {
        let t = ts[0], c = t.shape
        switch self {
        case .same: return t
        case .transposed: return ElementPermutation.transpose2D(t, rows: c[0], cols: c[1], shape: [c[1], c[0]])
        case .hwio: return ElementPermutation.permute(t, dims: c, order: [2, 3, 1, 0])
        case .jaxHeadsIn:
            return ElementPermutation.transpose2D(t, rows: c[0], cols: c[1], shape: [c[1], heads, c[0] / heads])
        case .jaxHeadsBias: return Tensor(dtype: t.dtype, shape: [heads, c[0] / heads], data: t.data)
        case .jaxHeadsOut:
            return ElementPermutation.transpose2D(t, rows: c[0], cols: c[1], shape: [heads, c[1] / heads, c[0]])
        case .fusedRows: return ElementPermutation.concatRows(ts)
        case .squeezedLeadingOne: return Tensor(dtype: t.dtype, shape: Array(c.dropFirst()), data: t.data)
        }
    }
}
