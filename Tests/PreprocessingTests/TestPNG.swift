/// A minimal PNG encoder for tests: stored (uncompressed) deflate blocks, correct CRCs and
/// Adler-32, so tests can build exact images and then break them on purpose.
enum TestPNG {
    /// Colour types as in the PNG specification.
    enum ColorType: UInt8 { case grey = 0, rgb = 2, palette = 3, greyAlpha = 4, rgba = 6 }

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// A PNG of `width` x `height` whose samples (row-major, channels interleaved) are
    /// packed at `bitDepth` bits; `extra` chunks (PLTE, tRNS) go before IDAT. With
    /// `interlaced` the rows are written as the seven Adam7 passes.
    static func encode(
        width: Int, height: Int, bitDepth: Int, colorType: ColorType, samples: [Int],
        extra: [(String, [UInt8])] = [], interlaced: Bool = false
    ) -> [UInt8] {
        let channels = [ColorType.grey: 1, .rgb: 3, .palette: 1, .greyAlpha: 2, .rgba: 4][colorType]!
        precondition(samples.count == width * height * channels)
        let passes =
            interlaced
            ? [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
            : [(0, 0, 1, 1)]
        var raw: [UInt8] = []
        for (x0, y0, dx, dy) in passes where x0 < width && y0 < height {
            for y in stride(from: y0, to: height, by: dy) {
                var row: [Int] = []
                for x in stride(from: x0, to: width, by: dx) {
                    row += samples[((y * width + x) * channels)..<((y * width + x + 1) * channels)]
                }
                raw.append(0)  // filter type None
                raw += pack(row, bitDepth: bitDepth)
            }
        }
        var out = signature
        out += chunk(
            "IHDR",
            ihdr(
                width: width, height: height, bitDepth: bitDepth, colorType: colorType.rawValue,
                interlace: interlaced ? 1 : 0))
        for (type, data) in extra { out += chunk(type, data) }
        out += chunk("IDAT", zlibStored(raw))
        out += chunk("IEND", [])
        return out
    }

    /// One row of samples at `bitDepth` bits, big-endian, sub-byte samples packed MSB first.
    static func pack(_ row: [Int], bitDepth: Int) -> [UInt8] {
        if bitDepth == 16 { return row.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } }
        if bitDepth == 8 { return row.map { UInt8($0) } }
        var out: [UInt8] = []
        let perByte = 8 / bitDepth
        var byte = 0, filled = 0
        for v in row {
            byte |= v << (8 - bitDepth * (filled + 1))
            filled += 1
            if filled == perByte { out.append(UInt8(byte)); byte = 0; filled = 0 }
        }
        if filled > 0 { out.append(UInt8(byte)) }
        return out
    }

    static func ihdr(width: Int, height: Int, bitDepth: Int, colorType: UInt8, interlace: UInt8 = 0) -> [UInt8] {
        be32(UInt32(width)) + be32(UInt32(height)) + [UInt8(bitDepth), colorType, 0, 0, interlace]
    }

    /// Length, type, data and CRC.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return be32(UInt32(data.count)) + body + be32(crc32(body))
    }

    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let n = min(65_535, data.count - offset)
            let final: UInt8 = offset + n == data.count ? 1 : 0
            out += [final, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            out += data[offset..<(offset + n)]
            offset += n
        } while offset < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data { a = (a + UInt32(byte)) % 65_521; b = (b + a) % 65_521 }
        return out + be32(b << 16 | a)
    }

    static func be32(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
