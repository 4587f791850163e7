import Foundation
import Preprocessing
import Testing

/// Broken, hostile and non-image inputs: each must give a clear `ImageError`, never a
/// crash or a huge allocation.
@Suite struct BadImageTests {
    static let smallPNG = TestPNG.encode(
        width: 40, height: 30, bitDepth: 8, colorType: .rgb,
        samples: (0..<3600).map { ($0 * 7) % 256 })
    static var jpeg: [UInt8] {
        [UInt8]((try? Data(contentsOf: URL(fileURLWithPath: Fixtures.images + "/astronaut.jpg"))) ?? Data())
    }

    func error(decoding bytes: [UInt8]) -> ImageError? {
        let path = Fixtures.temporaryDirectory() + "/bad.img"
        Fixtures.write(bytes, to: path)
        do {
            _ = try ImageDecoder.decode(path: path)
            return nil
        } catch {
            #expect(error.description.hasPrefix(path + ": "), "message should name the file: \(error)")
            return error
        }
    }

    /// A PNG that is only a signature and an IHDR (with a correct CRC) declaring `w` x `h`.
    static func headerOnlyPNG(width w: Int, height h: Int) -> [UInt8] {
        TestPNG.signature + TestPNG.chunk("IHDR", TestPNG.ihdr(width: w, height: h, bitDepth: 8, colorType: 2))
    }

    @Test func hugeDeclaredPNGIsRefusedBeforeAllocating() {
        let e = error(decoding: Self.headerOnlyPNG(width: 100_000, height: 100_000))
        guard case .tooLarge(_, 100_000, 100_000, _)? = e else { Issue.record("got \(String(describing: e))"); return }
        // Within the per-side limit but over the pixel limit, with plenty of (empty) data.
        let big = Self.headerOnlyPNG(width: 60_000, height: 60_000) + TestPNG.chunk("IDAT", TestPNG.zlibStored([0]))
        guard case .tooLarge(_, 60_000, 60_000, _)? = error(decoding: big) else {
            Issue.record("60000x60000 accepted"); return
        }
    }

    @Test func zeroSizedPNG() {
        guard case .emptyImage(_, 0, 5)? = error(decoding: Self.headerOnlyPNG(width: 0, height: 5)) else {
            Issue.record("zero width accepted"); return
        }
    }

    @Test func truncatedPNG() {
        for cut in [8, 20, 40, Self.smallPNG.count - 40, Self.smallPNG.count - 13] {
            let e = error(decoding: Array(Self.smallPNG.prefix(cut)))
            guard case .truncated(_, "PNG")? = e else {
                Issue.record("cut at \(cut): \(String(describing: e))"); continue
            }
        }
    }

    @Test func corruptPNGData() {
        var badCRC = Self.smallPNG
        badCRC[40] ^= 0xFF  // inside the IDAT data: its CRC no longer matches
        guard case .malformed(_, "PNG", _)? = error(decoding: badCRC) else { Issue.record("bad CRC accepted"); return }
        let badZlib =
            TestPNG.signature
            + TestPNG.chunk("IHDR", TestPNG.ihdr(width: 4, height: 4, bitDepth: 8, colorType: 0))
            + TestPNG.chunk("IDAT", [0x78, 0x01, 0xFF, 0xFF, 0xFF, 0xFF]) + TestPNG.chunk("IEND", [])
        guard case .malformed(_, "PNG", _)? = error(decoding: badZlib) else {
            Issue.record("bad zlib accepted"); return
        }
        let noPalette = TestPNG.encode(width: 2, height: 2, bitDepth: 8, colorType: .palette, samples: [0, 0, 0, 0])
        guard case .malformed(_, "PNG", _)? = error(decoding: noPalette) else {
            Issue.record("missing PLTE accepted"); return
        }
    }

    @Test func truncatedJPEG() {
        let jpeg = Self.jpeg
        #expect(jpeg.count > 1000)
        for cut in [3, 100, jpeg.count / 2, jpeg.count - 200] {
            let e = error(decoding: Array(jpeg.prefix(cut)))
            guard case .truncated(_, "JPEG")? = e else {
                Issue.record("cut at \(cut): \(String(describing: e))"); continue
            }
        }
    }

    /// The astronaut JPEG with the size in its SOF0 marker replaced.
    static func jpegDeclaring(width: Int, height: Int) -> [UInt8] {
        var bytes = jpeg
        guard let sof = (0..<(bytes.count - 9)).first(where: { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 }) else {
            return []
        }
        bytes[sof + 5] = UInt8(height >> 8); bytes[sof + 6] = UInt8(height & 0xFF)
        bytes[sof + 7] = UInt8(width >> 8); bytes[sof + 8] = UInt8(width & 0xFF)
        return bytes
    }

    @Test func hugeDeclaredJPEGIsRefusedBeforeAllocating() {
        let e = error(decoding: Self.jpegDeclaring(width: 65_000, height: 65_000))
        guard case .tooLarge(_, 65_000, 65_000, _)? = e else { Issue.record("got \(String(describing: e))"); return }
    }

    @Test func zeroSizedJPEG() {
        let e = error(decoding: Self.jpegDeclaring(width: 0, height: 100))
        switch e {
        case .emptyImage?, .malformed(_, "JPEG", _)?: break
        default: Issue.record("got \(String(describing: e))")
        }
    }

    @Test func notAnImage() {
        guard case .notAnImage(_, nil)? = error(decoding: Array("hello, world\n".utf8)) else {
            Issue.record("text accepted"); return
        }
        guard case .notAnImage(_, nil)? = error(decoding: []) else { Issue.record("empty file accepted"); return }
        guard case .notAnImage(_, "GIF")? = error(decoding: Array("GIF89a".utf8) + [0, 0, 0]) else {
            Issue.record("GIF"); return
        }
        let e = ImageError.notAnImage(file: "x.gif", detected: "GIF")
        #expect(e.description == "x.gif: GIF images are not supported (only PNG and JPEG)")
    }

    @Test func missingFileAndDirectory() {
        let dir = Fixtures.temporaryDirectory()
        for path in [dir + "/missing.png", dir] {
            #expect(throws: ImageError.self) { try ImageDecoder.decode(path: path) }
            do { _ = try ImageDecoder.decode(path: path) } catch {
                guard case .io(let file, _) = error, file == path else { Issue.record("got \(error)"); continue }
            }
        }
    }

    /// Random byte flips and truncations of valid files: any error is fine, a crash is not.
    @Test(arguments: ["png", "jpeg"])
    func mutatedFilesNeverCrash(kind: String) {
        let original = kind == "png" ? Self.smallPNG : Self.jpeg
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        var decoded = 0
        for _ in 0..<300 {
            var bytes = original
            for _ in 0..<(1 + next() % 4) { bytes[next() % bytes.count] = UInt8(next() & 0xFF) }
            if next() % 4 == 0 { bytes = Array(bytes.prefix(next() % bytes.count)) }
            if let image = try? ImageDecoder.decode(data: bytes) {
                decoded += 1
                #expect(image.pixels.count == image.width * image.height * 3)
            }
        }
        #expect(decoded < 300)
    }
}
