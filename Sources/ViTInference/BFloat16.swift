/// float32 -> bfloat16 conversion of activations for `--compute bf16` products.
enum BFloat16 {
    /// Rounds `rows` rows of `cols` floats (`lda` apart) to bfloat16, round-to-nearest-even,
    /// into `dst` (`cols` apart), as PyTorch's `.to(torch.bfloat16)` does.
    static func convert(_ src: UnsafePointer<Float>, lda: Int, rows: Int, cols: Int, into dst: UnsafeMutablePointer<UInt16>) {
        for r in 0..<rows {
            let s = src + r * lda, d = dst + r * cols
            for j in 0..<cols {
                let b = s[j].bitPattern
                d[j] = UInt16(truncatingIfNeeded: (b &+ 0x7FFF &+ ((b >> 16) & 1)) >> 16)
            }
        }
    }
}
