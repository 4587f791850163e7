/// Resizes patch position embeddings like transformers' `interpolate_pos_encoding`: PyTorch
/// bicubic, `align_corners=False`, either plain (A = -0.75, border-clamped taps: ViT, DeiT,
/// DINOv2) or with `antialias=True` (A = -0.5, taps cut at the border and normalised, the
/// support widened when shrinking: DINOv2 with registers). The prefix rows are kept.
enum PositionInterpolation {
    /// - Parameters:
    ///   - positions: `[prefix + g*g, d]` row-major (class/distillation rows first).
    ///   - grid: `g`, the stored grid side. `newGrid`: the target side.
    /// - Returns: `[prefix + newGrid*newGrid, d]`.
    static func interpolate(_ positions: UnsafeBufferPointer<Float>, prefix: Int = 1, grid g: Int, newGrid n: Int, d: Int,
                            antialias: Bool = false) -> [Float] {
        var out = [Float](repeating: 0, count: (prefix + n * n) * d)
        for j in 0..<(prefix * d) { out[j] = positions[j] }
        let taps = antialias ? antialiasTaps(from: g, to: n) : bicubicTaps(from: g, to: n)
        // Width first, then height (PyTorch's separable order for the antialiased kernel; the
        // plain kernel sums the same products).
        var rows = [Float](repeating: 0, count: g * n * d)
        for y in 0..<g {
            for ox in 0..<n {
                let dst = (y * n + ox) * d
                for (x, w) in taps[ox] {
                    let src = (prefix + y * g + x) * d
                    for j in 0..<d { rows[dst + j] += positions[src + j] * w }
                }
            }
        }
        for oy in 0..<n {
            for ox in 0..<n {
                let dst = (prefix + oy * n + ox) * d
                for (y, w) in taps[oy] {
                    let src = (y * n + ox) * d
                    for j in 0..<d { out[dst + j] += rows[src + j] * w }
                }
            }
        }
        return out
    }

    /// Source index and weight of each tap, per output index: PyTorch's
    /// `upsample_bicubic2d` (`get_cubic_upsample_coefficients`, A = -0.75), indices clamped
    /// to the border.
    static func bicubicTaps(from g: Int, to n: Int) -> [[(Int, Float)]] {
        let scale = Float(g) / Float(n)
        return (0..<n).map { i in
            let src = (Float(i) + 0.5) * scale - 0.5
            let f = src.rounded(.down)
            let w = weights(src - f)
            return (0..<4).map { (min(max(Int(f) - 1 + $0, 0), g - 1), w[$0]) }
        }
    }

    /// PyTorch's `_compute_indices_weights_aa` for bicubic (`aa_filter`, A = -0.5): support 2
    /// (times the scale when shrinking), taps inside the input only, normalised to sum 1.
    static func antialiasTaps(from g: Int, to n: Int) -> [[(Int, Float)]] {
        let scale = Double(g) / Double(n)
        let support = scale >= 1 ? 2 * scale : 2
        let invScale = scale >= 1 ? 1 / scale : 1
        func filter(_ x: Double) -> Double {
            let a = -0.5, x = abs(x)
            if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
            if x < 2 { return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }
            return 0
        }
        return (0..<n).map { i in
            let center = scale * (Double(i) + 0.5)
            let lo = max(Int(center - support + 0.5), 0)
            let hi = min(Int(center + support + 0.5), g)
            let w = (lo..<max(hi, lo)).map { filter((Double($0) - center + 0.5) * invScale) }
            let total = w.reduce(0, +)
            return zip(lo..<max(hi, lo), w).map { ($0, Float(total != 0 ? $1 / total : $1)) }
        }
    }

    /// PyTorch's `get_cubic_upsample_coefficients` with A = -0.75.
    static func weights(_ t: Float) -> [Float] {
        let a: Float = -0.75
        func c1(_ x: Float) -> Float { ((a + 2) * x - (a + 3)) * x * x + 1 }
        func c2(_ x: Float) -> Float { ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }
        return [c2(t + 1), c1(t), c1(1 - t), c2(2 - t)]
    }
}
