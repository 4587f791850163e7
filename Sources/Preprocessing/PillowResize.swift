/// Pillow's `Image.resize(size, filter)` for 8-bit images, bit for bit.
///
/// Port of `ImagingResample` in Pillow's `src/libImaging/Resample.c` (unchanged from Pillow
/// 7 to 13): a separable filter (`ResampleFilter`) whose support grows with the downscale
/// factor (antialiasing), coefficients normalised in `Double` then rounded to fixed point with
/// 22 fraction bits, and two passes with an intermediate 8-bit image (rounded and clipped)
/// between them. A pass whose size does not change is skipped; when neither changes the
/// image is returned as is.
///
/// Pass order follows Pillow 13.0 (the version the reference tensors come from): vertical
/// first when `inHeight - height > 0 && inHeight - height > 2 * (inWidth - width)`,
/// otherwise horizontal first (over only the rows the vertical pass reads). Pillow 12 and
/// earlier always go horizontal first; the two orders can differ by 1 in some pixels.
///
/// `torchvision` (in `PillowResize+Torchvision.swift`) runs the same passes with ATen's
/// int16 coefficients, always horizontal first.
package enum PillowResize {
    /// `image` resized to `width` x `height` with Pillow's BILINEAR filter.
    ///
    /// `width` and `height` must be positive; `image` must not be empty.
    package static func bilinear(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        resize(image, width: width, height: height, filter: .bilinear)
    }

    /// `image` resized to `width` x `height` with `filter`, as Pillow 13 does.
    ///
    /// `width` and `height` must be positive; `image` must not be empty.
    package static func resize(_ image: RGBImage, width: Int, height: Int, filter: ResampleFilter) -> RGBImage {
        precondition(width > 0 && height > 0 && image.width > 0 && image.height > 0, "empty image or size")
        let (inWidth, inHeight) = (image.width, image.height)
        let verticalFirst = inHeight - height > 0 && inHeight - height > (inWidth - width) * 2
        let vertical = ResampleCoefficients(inSize: inHeight, outSize: height, filter: filter)
        let horizontal = ResampleCoefficients(inSize: inWidth, outSize: width, filter: filter)
        return separable(image, width: width, height: height, horizontal: horizontal, vertical: vertical,
                         verticalFirst: verticalFirst)
    }

    /// The two passes with the given coefficients; a pass whose size does not change is skipped.
    static func separable(
        _ image: RGBImage, width: Int, height: Int, horizontal: ResampleCoefficients, vertical: ResampleCoefficients,
        verticalFirst: Bool
    ) -> RGBImage {
        if width == image.width && height == image.height { return image }
        let (inWidth, inHeight) = (image.width, image.height)
        if verticalFirst && height != inHeight {
            let tall = verticalPass(image.pixels, width: inWidth, rowOffset: 0, coefficients: vertical)
            guard width != inWidth else { return RGBImage(width: width, height: height, pixels: tall) }
            let out = horizontalPass(tall, inWidth: inWidth, rows: 0..<height, coefficients: horizontal)
            return RGBImage(width: width, height: height, pixels: out)
        }
        var source = image.pixels
        var rowOffset = 0
        if width != inWidth {
            // Only rows [first, last) feed the vertical pass (all of them when it is skipped).
            var rows = 0..<inHeight
            if height != inHeight {
                let last = vertical.bounds[2 * (height - 1)] + vertical.bounds[2 * (height - 1) + 1]
                rows = vertical.bounds[0]..<last
            }
            source = horizontalPass(image.pixels, inWidth: inWidth, rows: rows, coefficients: horizontal)
            rowOffset = rows.lowerBound
        }
        if height == inHeight {
            return RGBImage(width: width, height: height, pixels: source)
        }
        let out = verticalPass(source, width: width, rowOffset: rowOffset, coefficients: vertical)
        return RGBImage(width: width, height: height, pixels: out)
    }

    @inline(__always)
    static func clip8(_ v: Int32, _ precision: Int32) -> UInt8 {
        let s = v >> precision
        return s < 0 ? 0 : s > 255 ? 255 : UInt8(truncatingIfNeeded: s)
    }

    static func horizontalPass(
        _ input: [UInt8], inWidth: Int, rows: Range<Int>, coefficients c: ResampleCoefficients
    ) -> [UInt8] {
        let outWidth = c.outSize, ksize = c.ksize, precision = c.precision, half: Int32 = 1 << (c.precision - 1)
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
                                dst[3 * xx] = clip8(s0, precision)
                                dst[3 * xx + 1] = clip8(s1, precision)
                                dst[3 * xx + 2] = clip8(s2, precision)
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
        let precision = c.precision, half: Int32 = 1 << (c.precision - 1)
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
                        for i in 0..<rowLength { dst[i] = clip8(acc[i], precision) }
                    }
                }
            }
            initialized = outHeight * rowLength
        }
    }
}
