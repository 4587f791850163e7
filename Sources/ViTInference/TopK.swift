#if canImport(Glibc)
import Glibc
#endif

/// Top-k selection and softmax over logits.
public enum TopK {
    /// Indices of the `k` largest values, largest first (ties: lower index first).
    public static func indices(_ v: [Float], k: Int) -> [Int] {
        Array(v.indices.sorted { v[$0] != v[$1] ? v[$0] > v[$1] : $0 < $1 }.prefix(k))
    }

    /// Softmax in Double for stability, returned as Float.
    public static func softmax(_ v: [Float]) -> [Float] {
        guard let m = v.max() else { return [] }
        let e = v.map { Double($0 - m) }.map { exp($0) }
        let s = e.reduce(0, +)
        return e.map { Float($0 / s) }
    }
}
