/// The sample layouts the decoders produce, and their conversion to RGB with the exact
/// arithmetic of Pillow's `Image.convert("RGB")` for the mode Pillow opens each one as.
enum RawLayout: Equatable {
    /// 8-bit grey (Pillow "L", "1"): replicated.
    case grey
    /// 16-bit grey, big-endian (Pillow "I;16"): `I16_RGB` clips to 255, it does not scale.
    case grey16
    /// Grey + alpha (Pillow "LA"; 16-bit opens as "RGBA" from the high bytes): alpha dropped.
    case greyAlpha
    /// RGB (16-bit: Pillow keeps the high byte of each sample).
    case rgb
    /// RGBA: alpha dropped, colour not premultiplied.
    case rgba
    /// Palette indices (Pillow "P"); `palette` holds `count * 3` bytes. Indices past the end
    /// of the palette are black, as in Pillow. tRNS is ignored.
    case palette([UInt8])
    /// CMYK as libjpeg returns it (Adobe polarity). Pillow reads it as "CMYK;I" and
    /// converts with `cmyk2rgb`.
    case adobeCMYK

    /// Bytes per pixel in the decoder's output.
    var bytesPerPixel: Int {
        switch self {
        case .grey, .palette: 1
        case .grey16, .greyAlpha: 2
        case .rgb: 3
        case .rgba, .adobeCMYK: 4
        }
    }
}

enum RGBConversion {
    /// Converts `count` pixels in `buffer` from `layout` to packed RGB, in place.
    ///
    /// `buffer` must hold `count * max(3, layout.bytesPerPixel)` bytes; on return the first
    /// `count * 3` are RGB.
    static func convertInPlace(_ buffer: UnsafeMutablePointer<UInt8>, count n: Int, from layout: RawLayout) {
        let b = buffer
        switch layout {
        case .rgb:
            return
        case .grey:
            // Expanding: walk backwards so no source byte is overwritten before it is read.
            var i = n - 1
            while i >= 0 {
                let v = b[i]
                b[3 * i] = v; b[3 * i + 1] = v; b[3 * i + 2] = v
                i -= 1
            }
        case .grey16:
            var i = n - 1
            while i >= 0 {
                let v = b[2 * i] != 0 ? 255 : b[2 * i + 1]
                b[3 * i] = v; b[3 * i + 1] = v; b[3 * i + 2] = v
                i -= 1
            }
        case .greyAlpha:
            var i = n - 1
            while i >= 0 {
                let v = b[2 * i]
                b[3 * i] = v; b[3 * i + 1] = v; b[3 * i + 2] = v
                i -= 1
            }
        case .rgba:
            // Shrinking: walk forwards.
            for i in 0..<n {
                b[3 * i] = b[4 * i]; b[3 * i + 1] = b[4 * i + 1]; b[3 * i + 2] = b[4 * i + 2]
            }
        case .palette(let palette):
            var table = [UInt8](repeating: 0, count: 256 * 3)
            for i in 0..<min(palette.count, table.count) { table[i] = palette[i] }
            table.withUnsafeBufferPointer { t in
                var i = n - 1
                while i >= 0 {
                    let p = Int(b[i]) * 3
                    b[3 * i] = t[p]; b[3 * i + 1] = t[p + 1]; b[3 * i + 2] = t[p + 2]
                    i -= 1
                }
            }
        case .adobeCMYK:
            for i in 0..<n {
                // "CMYK;I" unpacking inverts every sample; then cmyk2rgb with nk = 255 - K.
                let nk = Int(b[4 * i + 3])
                let c = 255 - Int(b[4 * i]), m = 255 - Int(b[4 * i + 1]), y = 255 - Int(b[4 * i + 2])
                b[3 * i] = cmykChannel(c, nk)
                b[3 * i + 1] = cmykChannel(m, nk)
                b[3 * i + 2] = cmykChannel(y, nk)
            }
        }
    }

    /// `CLIP8(nk - MULDIV255(v, nk))` from Pillow's Convert.c.
    @inline(__always)
    static func cmykChannel(_ v: Int, _ nk: Int) -> UInt8 {
        let t = v * nk + 128
        let r = nk - (((t >> 8) + t) >> 8)
        return UInt8(clamping: r)
    }
}
