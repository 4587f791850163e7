import Foundation
import Preprocessing
import Testing

/// Decoding and conversion to RGB, checked against what Pillow's `convert("RGB")` gives.
@Suite struct ImageDecoderTests {
    func decode(_ png: [UInt8]) throws -> RGBImage { try ImageDecoder.decode(data: png) }

    /// The red channel of every pixel.
    func reds(_ image: RGBImage) -> [UInt8] { stride(from: 0, to: image.pixels.count, by: 3).map { image.pixels[$0] } }

    func isGrey(_ image: RGBImage) -> Bool {
        let p = image.pixels
        for i in stride(from: 0, to: p.count, by: 3) where p[i] != p[i + 1] || p[i] != p[i + 2] { return false }
        return true
    }

    @Test func sixteenBitGreyIsClippedNotScaled() throws {
        // Pillow opens it as "I;16"; I16_RGB keeps values <= 255 and clips the rest.
        let png = TestPNG.encode(
            width: 6, height: 1, bitDepth: 16, colorType: .grey, samples: [0, 200, 255, 256, 300, 65535])
        let image = try decode(png)
        #expect(reds(image) == [0, 200, 255, 255, 255, 255])
        #expect(isGrey(image))
    }

    @Test(arguments: [
        (1, [0, 1, 1, 0], [0, 255, 255, 0]), (2, [0, 1, 2, 3], [0, 85, 170, 255]),
        (4, [0, 1, 9, 15], [0, 17, 153, 255]),
    ])
    func subByteGreyIsScaled(depth: Int, samples: [Int], expected: [UInt8]) throws {
        let image = try decode(TestPNG.encode(width: 4, height: 1, bitDepth: depth, colorType: .grey, samples: samples))
        #expect(reds(image) == expected)
        #expect(isGrey(image))
    }

    @Test func alphaIsDroppedNotComposited() throws {
        let rgba = try decode(
            TestPNG.encode(
                width: 2, height: 1, bitDepth: 8, colorType: .rgba, samples: [10, 20, 30, 0, 40, 50, 60, 128]))
        #expect(rgba.pixels == [10, 20, 30, 40, 50, 60])
        let greyAlpha = try decode(
            TestPNG.encode(width: 2, height: 1, bitDepth: 8, colorType: .greyAlpha, samples: [7, 0, 99, 255]))
        #expect(greyAlpha.pixels == [7, 7, 7, 99, 99, 99])
    }

    @Test func sixteenBitColourKeepsTheHighByte() throws {
        let rgb = try decode(
            TestPNG.encode(width: 1, height: 1, bitDepth: 16, colorType: .rgb, samples: [0x12FF, 0x3401, 0xFF80]))
        #expect(rgb.pixels == [0x12, 0x34, 0xFF])
        let greyAlpha = try decode(
            TestPNG.encode(width: 1, height: 1, bitDepth: 16, colorType: .greyAlpha, samples: [0xABCD, 0]))
        #expect(greyAlpha.pixels == [0xAB, 0xAB, 0xAB])
    }

    @Test func paletteIsExpandedAndOutOfRangeIndicesAreBlack() throws {
        let palette: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255]
        let png = TestPNG.encode(
            width: 5, height: 1, bitDepth: 8, colorType: .palette, samples: [0, 1, 2, 3, 200],
            extra: [("PLTE", palette), ("tRNS", [0, 128])])
        #expect(try decode(png).pixels == palette + [0, 0, 0, 0, 0, 0])
        let packed = TestPNG.encode(
            width: 3, height: 1, bitDepth: 2, colorType: .palette, samples: [2, 0, 1], extra: [("PLTE", palette)])
        #expect(try decode(packed).pixels == [0, 0, 255, 255, 0, 0, 0, 255, 0])
    }

    @Test func transparencyChunksAreIgnored() throws {
        let grey = TestPNG.encode(
            width: 2, height: 1, bitDepth: 8, colorType: .grey, samples: [5, 6], extra: [("tRNS", [0, 5])])
        #expect(try decode(grey).pixels == [5, 5, 5, 6, 6, 6])
    }

    @Test(arguments: [(8, TestPNG.ColorType.rgb, 3), (16, .rgba, 4), (2, .grey, 1), (16, .grey, 1)])
    func interlacedMatchesPlain(depth: Int, type: TestPNG.ColorType, channels: Int) throws {
        let (w, h) = (13, 11)
        let samples = (0..<(w * h * channels)).map { ($0 * 2_654_435_761 >> 7) % (1 << depth) }
        let plain = try decode(TestPNG.encode(width: w, height: h, bitDepth: depth, colorType: type, samples: samples))
        let adam7 = try decode(
            TestPNG.encode(width: w, height: h, bitDepth: depth, colorType: type, samples: samples, interlaced: true))
        #expect(plain == adam7)
        if depth == 8 && type == .rgb { #expect(plain.pixels == samples.map { UInt8($0) }) }
    }

    @Test func cmykJPEGUsesPillowsConversion() throws {
        // An 8x8 CMYK JPEG written by Pillow 13 (Adobe APP14), and Pillow's convert("RGB").
        let jpeg = [UInt8](Data(base64Encoded: Self.cmykJPEG)!)
        let image = try ImageDecoder.decode(data: jpeg)
        #expect(image.width == 8 && image.height == 8)
        #expect(
            Array(image.pixels.prefix(24)) == [
                45, 45, 29, 39, 45, 29, 34, 45, 29, 28, 45, 29, 22, 45, 29, 17, 45, 29, 11, 45, 29, 5, 45, 29,
            ])
        #expect(
            Array(image.pixels.suffix(24)) == [
                255, 31, 165, 223, 31, 165, 191, 31, 165, 159, 31, 165, 127, 31, 165, 95, 31, 165, 63, 31, 165, 31, 31,
                165,
            ])
    }

    @Test(arguments: Fixtures.sampleImages)
    func formatIsDetectedFromContentNotName(name: String) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.images + "/" + name)))
        let path = Fixtures.temporaryDirectory() + "/image.bin"
        Fixtures.write(bytes, to: path)
        #expect(try ImageDecoder.decode(path: path) == ImageDecoder.decode(path: Fixtures.images + "/" + name))
    }

    static let cmykJPEG = """
        /9j/7gAOQWRvYmUAZAAAAAAA/9sAQwACAQEBAQECAQEBAgICAgIEAwICAgIFBAQDBAYFBgYGBQYGBgcJCAYHCQcGBggLCAkKCgoK\
        CgYICwwLCgwJCgoK/8AAFAgACAAIBEMRAE0RAFkRAEsRAP/EAB8AAAEFAQEBAQEBAAAAAAAAAAABAgMEBQYHCAkKC//EALUQAAIB\
        AwMCBAMFBQQEAAABfQECAwAEEQUSITFBBhNRYQcicRQygZGhCCNCscEVUtHwJDNicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZH\
        SElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6g4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV\
        1tfY2drh4uPk5ebn6Onq8fLz9PX29/j5+v/aAA4EQwBNAFkASwAAPwDvP+Dkf/mP/wDbX+td5/xEj/8AU+/+TP8A9evpSvWP+Idz\
        /qRv/Jb/AOtX/9k=
        """
}
