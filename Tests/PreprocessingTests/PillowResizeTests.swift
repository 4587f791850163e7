import Preprocessing
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

    /// (in width, in height, out width, out height, CRC-32 of Pillow's output bytes), from
    /// `samples/image_checks.py`. Covers shrinking, enlarging, one axis unchanged and both of
    /// Pillow 13's pass orders.
    static let cases: [(Int, Int, Int, Int, UInt32)] = {
        let entries = Fixtures.imageChecks["resize_bilinear"]?.arrayValue ?? []
        precondition(!entries.isEmpty, "image-checks.json has no resize_bilinear cases")
        return entries.map { e in
            let input = e["input"]!.arrayValue!.map { $0.intValue! }, output = e["output"]!.arrayValue!.map { $0.intValue! }
            return (input[0], input[1], output[0], output[1], UInt32(e["crc32"]!.intValue!))
        }
    }()

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
