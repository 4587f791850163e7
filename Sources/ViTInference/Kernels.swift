import Tensors
import ViTModel
#if canImport(Glibc)
import Glibc
#endif
import Dispatch

/// Element-wise and row-wise kernels of the forward pass over contiguous float buffers.
enum Kernels {
    /// LayerNorm of each of `rows` rows of width `d` from `x` into `y` (may alias): float32, or
    /// (`--compute bf16`) bfloat16 bits rounded as they are written, the next layer's input with
    /// no float32 copy and second pass (equal to converting the float32 output).
    /// Mean and variance accumulate in Double, like a careful reference, eight lanes at a time
    /// (the scalar Double sum was one long dependency chain: 3.6x slower on ViT-B/16's rows).
    /// Rows are split over the compute threads (`OpenMPTeam`) from `parallelRows` rows on.
    static func layerNorm<Element: KernelOutput>(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Element>, rows: Int, d: Int,
                                                 weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, eps: Double) {
        OpenMPTeam.forEachChunk(rows, minimum: parallelRows) { chunk in
            for r in chunk {
                let xr = x + r * d, yr = y + r * d
                let (m, s) = meanAndInverseDeviation(xr, d: d, eps: eps)
                for j in 0..<d { yr[j] = Element(rounding: (xr[j] - m) * s * weight[j] + bias[j]) }
            }
        }
    }

    /// Rows from which a LayerNorm is worth splitting over threads (a 768-wide row takes ~0.4 us).
    static let parallelRows = 64

    /// A row's mean and `1 / sqrt(variance + eps)`, computed in Double.
    @inline(__always)
    private static func meanAndInverseDeviation(_ x: UnsafePointer<Float>, d: Int, eps: Double) -> (Float, Float) {
        let mean = sumOfRow(x, d: d, minus: nil) / Double(d)
        let inv = 1 / (sumOfRow(x, d: d, minus: mean) / Double(d) + eps).squareRoot()
        return (Float(mean), Float(inv))
    }

    /// `sum x[j]` (`center` nil) or `sum (x[j] - center)^2` in Double, in two sets of eight lanes.
    @inline(__always)
    private static func sumOfRow(_ x: UnsafePointer<Float>, d: Int, minus center: Double?) -> Double {
        let raw = UnsafeRawPointer(x), c = SIMD8<Double>(repeating: center ?? 0)
        @inline(__always) func lanes(_ j: Int) -> SIMD8<Double> {
            let v = SIMD8<Double>(raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self))
            guard center != nil else { return v }
            let e = v - c
            return e * e
        }
        var a = SIMD8<Double>(), b = SIMD8<Double>(), j = 0
        while j + 16 <= d { a += lanes(j); b += lanes(j + 8); j += 16 }
        if j + 8 <= d { a += lanes(j); j += 8 }
        var sum = (a + b).sum()
        while j < d {
            let v = Double(x[j])
            if let center { sum += (v - center) * (v - center) } else { sum += v }
            j += 1
        }
        return sum
    }

    /// Adds `bias[j]` to every row (`ldc` apart; default `d`).
    static func addBias(_ y: UnsafeMutablePointer<Float>, rows: Int, d: Int, ldc: Int? = nil, bias: UnsafePointer<Float>) {
        for r in 0..<rows {
            let yr = y + r * (ldc ?? d)
            for j in 0..<d { yr[j] += bias[j] }
        }
    }

    /// `y[r, j] += scale[j] * x[r, j]` over `rows` rows of width `d` (LayerScale's residual add).
    static func addScaled(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, scale: UnsafePointer<Float>, rows: Int, d: Int) {
        for r in 0..<rows {
            let yr = y + r * d, xr = x + r * d
            for j in 0..<d { yr[j] += xr[j] * scale[j] }
        }
    }

    /// SwiGLU's gate over `rows` rows of `2 * width`: `silu(a) * b` (`a` the first half of a
    /// row, `b` the second; `silu(a) = a / (1 + e^-a)`), packed into `rows x width` at `out`:
    /// float32 (may be `y` itself: row r's output ends at `(r + 1) width <= 2 r width`, where its
    /// input begins, so no unread value is overwritten) or bfloat16 bits (fc2's bf16 input). A
    /// packed matrix keeps fc2 on oneDNN's fast kernels, which a strided source would lose.
    static func swiGLU<Element: KernelOutput>(_ y: UnsafePointer<Float>, rows: Int, width: Int, into out: UnsafeMutablePointer<Element>) {
        for r in 0..<rows {
            let a = y + r * 2 * width, b = a + width, o = out + r * width
            for j in 0..<width { o[j] = Element(rounding: a[j] / (1 + VectorMath.exp(-a[j])) * b[j]) }
        }
    }

    /// `y += x` over `n` elements.
    static func add(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count n: Int) {
        for i in 0..<n { y[i] += x[i] }
    }

    /// `y += scale x` over `n` elements.
    static func add(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count n: Int, scale: Float) {
        for i in 0..<n { y[i] += scale * x[i] }
    }

    /// Exact GELU `0.5 x (1 + erf(x / sqrt 2))` in place (erf as PyTorch's vectorised CPU
    /// kernel computes it), split across cores.
    static func geluExact(_ y: UnsafeMutablePointer<Float>, count n: Int) {
        let p = SharedBuffer(y)
        parallelChunks(n) { start, end in
            let y = p.pointer
            for i in start..<end {
                let x = y[i]
                y[i] = 0.5 * x * (1 + VectorMath.erf(x * 0.70710678118654752440))
            }
        }
    }

    /// Tanh GELU `0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))` in place.
    static func geluTanh(_ y: UnsafeMutablePointer<Float>, count n: Int) {
        let p = SharedBuffer(y)
        parallelChunks(n) { start, end in
            let y = p.pointer
            for i in start..<end {
                let x = y[i]
                y[i] = 0.5 * x * (1 + VectorMath.tanh(0.79788456080286535588 * (x + 0.044715 * x * x * x)))
            }
        }
    }

    /// Runs `body` over `[0, n)` in one chunk per core (a single chunk for small `n`).
    static func parallelChunks(_ n: Int, _ body: @Sendable (Int, Int) -> Void) {
        let workers = n >= 1 << 15 ? cores : 1
        if workers == 1 { body(0, n); return }
        let step = (n / workers + 15) / 16 * 16
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let start = min(w * step, n), end = min(start + step, n)
            if start < end { body(start, end) }
        }
    }

    static var cores: Int { ComputeThreads.count }

    /// Softmax of each row (width `d`) in place.
    static func softmaxRows(_ y: UnsafeMutablePointer<Float>, rows: Int, d: Int) {
        for r in 0..<rows {
            let yr = y + r * d
            var m = -Float.infinity
            for j in 0..<d { m = max(m, yr[j]) }
            for j in 0..<d { yr[j] = VectorMath.exp(yr[j] - m) }
            var sum: Float = 0
            for j in 0..<d { sum += yr[j] }
            let inv = 1 / sum
            for j in 0..<d { yr[j] *= inv }
        }
    }
}

/// What the row kernels write: float32, or bfloat16 bits (`UInt16`, the bf16 buffers' element)
/// rounded as `BFloat16.round` does. A protocol rather than a store closure: the generic
/// kernels are specialised per element and their loops vectorise (a closure measured 2.5x
/// slower outside the GEMMs).
protocol KernelOutput {
    init(rounding value: Float)
}

extension Float: KernelOutput {
    @inline(__always) init(rounding value: Float) { self = value }
}

extension UInt16: KernelOutput {
    @inline(__always) init(rounding value: Float) { self = BFloat16.round(value) }
}

/// A buffer that parallel workers write in disjoint ranges.
struct SharedBuffer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    init(_ p: UnsafeMutablePointer<Float>) { pointer = p }
}
