import ImageIO
import Testing

/// `PillowResize.bilinear` against `PIL.Image.resize(size, BILINEAR)` (Pillow 13.0.0).
@Suite struct PillowResizeTests {
    /// A deterministic test pattern, the same formula as the Python that made the CRCs.
    static func synthetic(width: Int, height: Int) -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<3 {
                    pixels[(y * width + x) * 3 + c] = UInt8((x * 37 + y * 91 + c * 53 + (x * y) % 17) & 0xFF)
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// (in width, in height, out width, out height, CRC-32 of Pillow's output bytes). Covers
    /// shrinking, enlarging, one axis unchanged and both of Pillow 13's pass orders.
    static let cases: [(Int, Int, Int, Int, UInt32)] = [
        (97, 73, 64, 64, 0x4145_5D16),
        (63, 131, 64, 64, 0x05D0_A160),  // vertical pass first
        (131, 63, 64, 64, 0xEF37_3BDE),
        (50, 40, 224, 224, 0x294F_2FC3),
        (1, 1, 5, 3, 0x2D6D_FD57),
        (300, 7, 224, 224, 0x9ED0_A800),
        (7, 300, 224, 224, 0x86A5_2306),  // vertical pass first
        (640, 480, 224, 224, 0x8C75_E6AF),
        (224, 500, 224, 224, 0x5E15_3124),  // vertical pass only
        (500, 224, 224, 224, 0x122D_C2B7),  // horizontal pass only
        (10, 10, 10, 3, 0xF6C8_37AC),
        (10, 10, 3, 10, 0x0331_C156),
        (30, 20, 45, 17, 0x7356_2B68),
        (2, 2, 1, 1, 0xB678_9AF5),
    ]

    @Test(arguments: cases.indices)
    func matchesPillowByteForByte(index: Int) {
        let (w, h, outW, outH, crc) = Self.cases[index]
        let out = PillowResize.bilinear(Self.synthetic(width: w, height: h), width: outW, height: outH)
        #expect(out.width == outW && out.height == outH)
        #expect(TestPNG.crc32(out.pixels) == crc, "\(w)x\(h) -> \(outW)x\(outH)")
    }

    @Test func sameSizeIsIdentity() {
        let image = Self.synthetic(width: 9, height: 4)
        #expect(PillowResize.bilinear(image, width: 9, height: 4) == image)
    }

    @Test func constantImageStaysConstant() {
        let image = RGBImage(width: 37, height: 23, pixels: [UInt8](repeating: 200, count: 37 * 23 * 3))
        for (w, h) in [(224, 224), (5, 64), (64, 5), (1, 1)] {
            let out = PillowResize.bilinear(image, width: w, height: h)
            #expect(out.pixels.allSatisfy { $0 == 200 })
        }
    }
}
