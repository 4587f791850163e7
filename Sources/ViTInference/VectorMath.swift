/// Branch-free float32 exp, erf and tanh written so that LLVM's loop vectoriser turns
/// loops over them into SIMD code (no libm calls, no branches).
///
/// `exp` is the Cephes single-precision algorithm (round-to-nearest range reduction by ln 2,
/// degree-6 polynomial; ~1 ulp on [-87, 88]). `erf` is Abramowitz & Stegun 7.1.26 (abs error
/// < 1.5e-7), the approximation PyTorch's vectorised CPU GELU uses.
enum VectorMath {
    /// 1.5 * 2^23: adding it rounds a float in (-2^22, 2^22) to the nearest integer.
    static let roundingMagic: Float = 12_582_912

    @inline(__always)
    static func exp(_ x0: Float) -> Float {
        let x = min(max(x0, -87.33654), 88.37626)
        let t = x * 1.44269504088896341 + roundingMagic
        let n = t - roundingMagic
        let r = x - n * 0.693359375 - n * -2.12194440e-4
        var p: Float = 1.9875691500e-4
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        p = p * (r * r) + r + 1
        let scale = Float(bitPattern: (t.bitPattern &- roundingMagic.bitPattern &+ 127) << 23)
        return p * scale
    }

    @inline(__always)
    static func erf(_ x: Float) -> Float {
        let a = Float(bitPattern: x.bitPattern & 0x7FFF_FFFF)
        let t = 1 / (a * 0.3275911 + 1)
        var r: Float = t * 1.061405429 - 1.453152027
        r = r * t + 1.421413741
        r = r * t - 0.284496736
        r = r * t + 0.254829592
        let y = 1 - r * t * exp(-(x * x))
        return Float(bitPattern: y.bitPattern | (x.bitPattern & 0x8000_0000))
    }

    @inline(__always)
    static func tanh(_ x: Float) -> Float {
        // tanh(x) = 1 - 2 / (exp(2x) + 1); |x| <= 9 covers every float32 result below 1.
        let c = min(max(x, -9), 9)
        return 1 - 2 / (exp(2 * c) + 1)
    }
}
