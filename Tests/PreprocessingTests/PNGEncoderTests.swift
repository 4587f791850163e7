import Foundation
import Preprocessing
import Testing

@Suite("PNG encoding (libpng)")
struct PNGEncoderTests {
    /// A deterministic image with every byte value and sharp edges (a linear congruential sequence).
    static func noise(width: Int, height: Int) -> RGBImage {
        var state: UInt32 = 12345
        let pixels = (0..<width * height * 3).map { _ -> UInt8 in
            state = state &* 1_103_515_245 &+ 12345
            return UInt8(truncatingIfNeeded: state >> 16)
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    @Test(arguments: [(1, 1), (37, 23), (640, 3)])
    func roundTripsThroughTheDecoder(width: Int, height: Int) throws {
        let image = Self.noise(width: width, height: height)
        let png = try PNGEncoder.encode(image)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(try ImageDecoder.decode(data: png) == image)
    }

    @Test func flatImagesCompress() throws {
        let image = RGBImage(width: 500, height: 400, pixels: [UInt8](repeating: 255, count: 500 * 400 * 3))
        let png = try PNGEncoder.encode(image)
        #expect(png.count < 5_000, "600 kB of white should deflate to almost nothing, got \(png.count) bytes")
    }

    @Test func emptyImageIsRefused() {
        #expect(throws: ImageError.emptyImage(file: "out.png", width: 0, height: 3)) {
            try PNGEncoder.encode(RGBImage(width: 0, height: 3, pixels: []), name: "out.png")
        }
    }
}
