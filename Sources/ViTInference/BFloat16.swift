/// float32 -> bfloat16 conversion of activations for `--compute bf16` products.
enum BFloat16 {
    /// Rounds `rows` rows of `cols` floats (`lda` apart) to bfloat16 into `dst` (`cols` apart).
    static func convert(_ src: UnsafePointer<Float>, lda: Int, rows: Int, cols: Int, into dst: UnsafeMutablePointer<UInt16>) {
        for r in 0..<rows {
            let s = src + r * lda, d = dst + r * cols
            for j in 0..<cols { d[j] = round(s[j]) }
        }
    }

    /// `value` rounded to bfloat16 as PyTorch's `.to(torch.bfloat16)` does: round-to-nearest-even,
    /// and a NaN stays a quiet NaN (its top bits with the quiet bit set) rather than carrying
    /// into the exponent and becoming zero or infinity. The NaN case is a mask, not a branch:
    /// `HalfPrecision.bf16Bits` tests `isNaN` in a branch, which kept the LayerNorm loop from
    /// vectorising (the bf16 pass's time outside oneDNN rose from ~15-25 to 33-43 ms per batch
    /// of 8); this form compiles to vector compares and selects.
    @inline(__always)
    static func round(_ value: Float) -> UInt16 {
        let b = value.bitPattern
        let rounded = (b &+ 0x7FFF &+ ((b >> 16) & 1)) >> 16
        // All ones when the magnitude's bits exceed infinity's, that is for every NaN.
        let nan = UInt32(bitPattern: Int32(bitPattern: 0x7F80_0000 &- (b & 0x7FFF_FFFF)) >> 31)
        return UInt16(truncatingIfNeeded: (rounded & ~nan) | (((b >> 16) | 0x0040) & nan))
    }
}
