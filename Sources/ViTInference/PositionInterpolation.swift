/// Resizes patch position embeddings like transformers' `interpolate_pos_encoding`:
/// PyTorch bicubic (A = -0.75), `align_corners=False`, border-clamped taps; the cls
/// position is kept.
enum PositionInterpolation {
    /// - Parameters:
    ///   - positions: `[1 + g*g, d]` row-major (cls first).
    ///   - grid: `g`, the stored grid side. `newGrid`: the target side.
    /// - Returns: `[1 + newGrid*newGrid, d]`.
    static func interpolate(_ positions: UnsafeBufferPointer<Float>, grid g: Int, newGrid n: Int, d: Int) -> [Float] {
        var out = [Float](repeating: 0, count: (1 + n * n) * d)
        for j in 0..<d { out[j] = positions[j] }
        let scale = Float(g) / Float(n)
        let taps = (0..<n).map { i -> (Int, [Float]) in
            let src = (Float(i) + 0.5) * scale - 0.5
            let f = src.rounded(.down)
            return (Int(f), weights(src - f))
        }
        for oy in 0..<n {
            let (y0, wy) = taps[oy]
            for ox in 0..<n {
                let (x0, wx) = taps[ox]
                let dst = (1 + oy * n + ox) * d
                for j in 0..<d {
                    var acc: Float = 0
                    for a in 0..<4 {
                        let yy = min(max(y0 - 1 + a, 0), g - 1)
                        var row: Float = 0
                        for b in 0..<4 {
                            let xx = min(max(x0 - 1 + b, 0), g - 1)
                            row += positions[(1 + yy * g + xx) * d + j] * wx[b]
                        }
                        acc += row * wy[a]
                    }
                    out[dst + j] = acc
                }
            }
        }
        return out
    }

    /// PyTorch's `get_cubic_upsample_coefficients` with A = -0.75.
    static func weights(_ t: Float) -> [Float] {
        let a: Float = -0.75
        func c1(_ x: Float) -> Float { ((a + 2) * x - (a + 3)) * x * x + 1 }
        func c2(_ x: Float) -> Float { ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }
        return [c2(t + 1), c1(t), c1(1 - t), c2(2 - t)]
    }
}
