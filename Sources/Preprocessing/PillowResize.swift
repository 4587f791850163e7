/// Pillow's `Image.resize(size, Image.BILINEAR)` for 8-bit images, bit for bit.
///
/// Port of `ImagingResample` in Pillow's `src/libImaging/Resample.c` (unchanged from Pillow
/// 7 to 13): a separable triangle filter whose support grows with the downscale factor
/// (antialiasing), coefficients normalised in `Double` then rounded to fixed point with 22
/// fraction bits, and two passes with an intermediate 8-bit image (rounded and clipped)
/// between them. A pass whose size does not change is skipped; when neither changes the
/// image is returned as is.
///
/// Pass order follows Pillow 13.0 (the version the reference tensors come from): vertical
/// first when `inHeight - height > 0 && inHeight - height > 2 * (inWidth - width)`,
/// otherwise horizontal first (over only the rows the vertical pass reads). Pillow 12 and
/// earlier always go horizontal first; the two orders can differ by 1 in some pixels.
package enum PillowResize {
    /// `image` resized to `width` x `height` with Pillow's BILINEAR filter.
    ///
    /// `width` and `height` must be positive; `image` must not be empty.
    package static func bilinear(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        precondition(width > 0 && height > 0 && image.width > 0 && image.height > 0, "empty image or size")
        if width == image.width && height == image.height { return image }
        let (inWidth, inHeight) = (image.width, image.height)
        let verticalFirst = inHeight - height > 0 && inHeight - height > (inWidth - width) * 2
        let vertical = ResampleCoefficients(inSize: inHeight, outSize: height)
        if verticalFirst {
            // Here the height always changes.
            let tall = verticalPass(image.pixels, width: inWidth, rowOffset: 0, coefficients: vertical)
            guard width != inWidth else { return RGBImage(width: width, height: height, pixels: tall) }
            let horizontal = ResampleCoefficients(inSize: inWidth, outSize: width)
            let out = horizontalPass(tall, inWidth: inWidth, rows: 0..<height, coefficients: horizontal)
            return RGBImage(width: width, height: height, pixels: out)
        }
        var source = image.pixels
        var rowOffset = 0
        if width != inWidth {
            // Only rows [first, last) feed the vertical pass.
            let first = vertical.bounds[0]
            let last = vertical.bounds[2 * (height - 1)] + vertical.bounds[2 * (height - 1) + 1]
            let horizontal = ResampleCoefficients(inSize: inWidth, outSize: width)
            source = horizontalPass(image.pixels, inWidth: inWidth, rows: first..<last, coefficients: horizontal)
            rowOffset = first
        }
        if height == inHeight {
            return RGBImage(width: width, height: height, pixels: source)
        }
        let out = verticalPass(source, width: width, rowOffset: rowOffset, coefficients: vertical)
        return RGBImage(width: width, height: height, pixels: out)
    }

    static let precisionBits: Int32 = 32 - 8 - 2
    static let half: Int32 = 1 << (precisionBits - 1)

    @inline(__always)
    static func clip8(_ v: Int32) -> UInt8 {
        let s = v >> precisionBits
        return s < 0 ? 0 : s > 255 ? 255 : UInt8(truncatingIfNeeded: s)
    }

    static func horizontalPass(
        _ input: [UInt8], inWidth: Int, rows: Range<Int>, coefficients c: ResampleCoefficients
    ) -> [UInt8] {
        let outWidth = c.outSize, ksize = c.ksize
        let outRow = outWidth * 3, inRow = inWidth * 3
        return [UInt8](unsafeUninitializedCapacity: rows.count * outRow) { out, initialized in
            input.withUnsafeBufferPointer { src in
                c.weights.withUnsafeBufferPointer { kk in
                    c.bounds.withUnsafeBufferPointer { bounds in
                        for (yy, y) in rows.enumerated() {
                            let line = src.baseAddress! + y * inRow
                            let dst = out.baseAddress! + yy * outRow
                            for xx in 0..<outWidth {
                                let xmin = bounds[2 * xx], count = bounds[2 * xx + 1]
                                let k = kk.baseAddress! + xx * ksize
                                var s0 = half, s1 = half, s2 = half
                                var p = line + xmin * 3
                                for x in 0..<count {
                                    let w = k[x]
                                    s0 &+= Int32(p[0]) &* w
                                    s1 &+= Int32(p[1]) &* w
                                    s2 &+= Int32(p[2]) &* w
                                    p += 3
                                }
                                dst[3 * xx] = clip8(s0)
                                dst[3 * xx + 1] = clip8(s1)
                                dst[3 * xx + 2] = clip8(s2)
                            }
                        }
                    }
                }
            }
            initialized = rows.count * outRow
        }
    }

    static func verticalPass(
        _ input: [UInt8], width: Int, rowOffset: Int, coefficients c: ResampleCoefficients
    ) -> [UInt8] {
        let rowLength = width * 3, outHeight = c.outSize, ksize = c.ksize
        // Integer sums are exact, so accumulating a whole row per input line gives Pillow's
        // results while keeping the inner loop contiguous.
        var accumulator = [Int32](repeating: 0, count: rowLength)
        return [UInt8](unsafeUninitializedCapacity: outHeight * rowLength) { out, initialized in
            input.withUnsafeBufferPointer { src in
                accumulator.withUnsafeMutableBufferPointer { acc in
                    for yy in 0..<outHeight {
                        let ymin = c.bounds[2 * yy] - rowOffset, count = c.bounds[2 * yy + 1]
                        for i in 0..<rowLength { acc[i] = half }
                        for y in 0..<count {
                            let w = c.weights[yy * ksize + y]
                            let line = src.baseAddress! + (ymin + y) * rowLength
                            for i in 0..<rowLength { acc[i] &+= Int32(line[i]) &* w }
                        }
                        let dst = out.baseAddress! + yy * rowLength
                        for i in 0..<rowLength { dst[i] = clip8(acc[i]) }
                    }
                }
            }
            initialized = outHeight * rowLength
        }
    }
}

/// Pillow's `precompute_coeffs` + `normalize_coeffs_8bpc` for the BILINEAR filter
/// (support 1) over the full box `[0, inSize)`.
struct ResampleCoefficients {
    let outSize: Int
    /// Coefficients per output sample (stride of `weights`).
    let ksize: Int
    /// `(first input index, number of inputs)` per output sample.
    let bounds: [Int]
    /// `outSize * ksize` fixed-point weights (22 fraction bits), zero past each count.
    let weights: [Int32]

    init(inSize: Int, outSize: Int) {
        self.outSize = outSize
        // Pillow passes the box as float[4]; in1 - in0 is computed in float.
        let scale = Double(Float(inSize) - Float(0)) / Double(outSize)
        let filterScale = max(scale, 1.0)
        let support = 1.0 * filterScale
        let ksize = Int(support.rounded(.up)) * 2 + 1
        self.ksize = ksize
        let invFilterScale = 1.0 / filterScale
        var bounds = [Int](repeating: 0, count: 2 * outSize)
        var weights = [Int32](repeating: 0, count: outSize * ksize)
        var k = [Double](repeating: 0, count: ksize)
        for xx in 0..<outSize {
            let center = 0.0 + (Double(xx) + 0.5) * scale
            var xmin = Int(center - support + 0.5)  // C (int) cast: truncation toward zero
            if xmin < 0 { xmin = 0 }
            var xmax = Int(center + support + 0.5)
            if xmax > inSize { xmax = inSize }
            xmax -= xmin
            var ww = 0.0
            for x in 0..<xmax {
                var t = (Double(x + xmin) - center + 0.5) * invFilterScale
                if t < 0 { t = -t }
                let w = t < 1.0 ? 1.0 - t : 0.0
                k[x] = w
                ww += w
            }
            for x in 0..<xmax {
                let v = ww != 0.0 ? k[x] / ww : k[x]
                let scaled = v * Double(1 << 22)
                weights[xx * ksize + x] = Int32(v < 0 ? -0.5 + scaled : 0.5 + scaled)
            }
            bounds[2 * xx] = xmin
            bounds[2 * xx + 1] = xmax
        }
        self.bounds = bounds
        self.weights = weights
    }
}
