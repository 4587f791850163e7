/// The fixed-point arithmetic of an 8-bit separable resize.
enum ResampleArithmetic: Sendable {
    /// Pillow's `normalize_coeffs_8bpc`: weights rounded to 22 fraction bits (`PRECISION_BITS`
    /// = 32 - 8 - 2), stored as 32-bit integers.
    case pillow
    /// ATen's `_compute_index_ranges_int16_weights` (torchvision's uint8 `antialias=True`
    /// resize): weights rounded to int16 with the largest precision (at most 22 bits) at
    /// which the axis's largest weight still fits below 2^15.
    case torchInt16
}

/// Pillow's `precompute_coeffs` (and ATen's `_compute_indices_min_size_weights_aa`, the
/// same computation) over the full box `[0, inSize)`, rounded to fixed point.
struct ResampleCoefficients {
    let outSize: Int
    /// Coefficients per output sample (stride of `weights`).
    let ksize: Int
    /// `(first input index, number of inputs)` per output sample.
    let bounds: [Int]
    /// `outSize * ksize` fixed-point weights, zero past each count.
    let weights: [Int32]
    /// Fraction bits of `weights`; sums start at `1 << (precision - 1)` and shift right by it.
    let precision: Int32

    init(inSize: Int, outSize: Int, filter: ResampleFilter = .bilinear, arithmetic: ResampleArithmetic = .pillow) {
        self.outSize = outSize
        // Pillow passes the box as float[4] (in1 - in0 computed in float); ATen divides the
        // sizes as double. Both are exact for any size below 2^24.
        let scale = Double(Float(inSize) - Float(0)) / Double(outSize)
        let filterScale = max(scale, 1.0)
        let support = filter.support * filterScale
        let ksize = Int(support.rounded(.up)) * 2 + 1
        self.ksize = ksize
        let invFilterScale = 1.0 / filterScale
        var bounds = [Int](repeating: 0, count: 2 * outSize)
        var real = [Double](repeating: 0, count: outSize * ksize)
        var largest = 0.0
        for xx in 0..<outSize {
            let center = 0.0 + (Double(xx) + 0.5) * scale
            let xmin = max(Int(center - support + 0.5), 0)  // C casts: truncation toward zero
            // ATen clamps the count to ksize (Pillow cannot exceed it at these sizes).
            let count = min(min(Int(center + support + 0.5), inSize) - xmin, ksize)
            var total = 0.0
            for x in 0..<count {
                let t = (Double(x + xmin) - center + 0.5) * invFilterScale
                let w = filter.weight(t, aten: arithmetic == .torchInt16)
                real[xx * ksize + x] = w
                total += w
            }
            if total != 0.0 {
                for x in 0..<count {
                    real[xx * ksize + x] /= total
                    largest = max(largest, real[xx * ksize + x])
                }
            }
            bounds[2 * xx] = xmin
            bounds[2 * xx + 1] = count
        }
        let precision: Int32
        switch arithmetic {
        case .pillow:
            precision = 22
        case .torchInt16:
            var p: Int32 = 0
            while p < 22 && Int(0.5 + largest * Double(1 << (p + 1))) < (1 << 15) { p += 1 }
            precision = p
        }
        self.precision = precision
        let one = Double(1 << precision)
        self.weights = real.map { v in
            let scaled = v * one
            return Int32(v < 0 ? -0.5 + scaled : 0.5 + scaled)
        }
        self.bounds = bounds
    }
}

extension ResampleArithmetic: Equatable {}
