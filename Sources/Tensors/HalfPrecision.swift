/// Exact conversions between `Float` and the 16-bit float formats.
///
/// F16 uses the standard library's IEEE binary16 (`Float16`), which rounds to nearest-even
/// and keeps NaN, infinities and subnormals. BF16 is the top half of a binary32: widening
/// is exact; narrowing rounds to nearest-even and keeps NaN quiet (as PyTorch and ml_dtypes do).
package enum HalfPrecision {
    /// The binary32 value of an IEEE binary16 bit pattern (exact).
    @inline(__always)
    package static func float(fromF16 bits: UInt16) -> Float {
        Float(Float16(bitPattern: bits))
    }

    /// The binary16 bit pattern nearest to `value` (ties to even; overflow to infinity).
    @inline(__always)
    package static func f16Bits(from value: Float) -> UInt16 {
        Float16(value).bitPattern
    }

    /// The binary32 value of a bfloat16 bit pattern (exact).
    @inline(__always)
    package static func float(fromBF16 bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// The bfloat16 bit pattern nearest to `value` (ties to even; NaN stays a quiet NaN).
    @inline(__always)
    package static func bf16Bits(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040 }
        let rounding: UInt32 = 0x7FFF + ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: (bits &+ rounding) >> 16)
    }
}
