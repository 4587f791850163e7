/// float32 -> bfloat16 conversion of activations for `--compute bf16` products.
enum BFloat16 {
    /// Rounds `rows` rows of `cols` floats (`lda` apart) to bfloat16 into `dst` (`cols` apart).
    static func convert(_ src: UnsafePointer<Float>, lda: Int, rows: Int, cols: Int, into dst: UnsafeMutablePointer<UInt16>) {
        for r in 0..<rows {
            let s = src + r * lda, d = dst + r * cols
            for j in 0..<cols { d[j] = round(s[j]) }
        }
    }

    /// `value` rounded to bfloat16, round-to-nearest-even, as PyTorch's `.to(torch.bfloat16)` does
    /// for every non-NaN value. `HalfPrecision.bf16Bits` is the same rounding that also keeps a
    /// NaN a quiet NaN; its NaN test kept the LayerNorm loop from vectorising (the bf16 pass's
    /// time outside oneDNN rose from ~15-25 to 33-43 ms per batch of 8), so activations use this
    /// one, where a NaN with high mantissa bits may round to zero or infinity.
    @inline(__always)
    static func round(_ value: Float) -> UInt16 {
        let b = value.bitPattern
        return UInt16(truncatingIfNeeded: (b &+ 0x7FFF &+ ((b >> 16) & 1)) >> 16)
    }
}
