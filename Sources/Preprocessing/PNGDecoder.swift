internal import CPNG

/// PNG decoding through libpng (see `CPNG/shim.h` for the setjmp side).
enum PNGDecoder {
    static func decode(_ bytes: UnsafeRawBufferPointer, name: String) throws(ImageError) -> RGBImage {
        // The IHDR is always the first chunk: check the declared size before libpng reads
        // further (a file may declare 100000x100000 and end right after the header).
        if bytes.count >= 24, Array(bytes[12..<16]) == Array("IHDR".utf8) {
            let w = Int(bigEndian32(bytes, at: 16)), h = Int(bigEndian32(bytes, at: 20))
            try ImageDecoder.checkSize(w, h, name: name)
        }
        guard let reader = vitkit_png_new(bytes.baseAddress, bytes.count) else {
            throw .io(file: name, reason: "cannot create a PNG decoder (out of memory)")
        }
        defer { vitkit_png_free(reader) }
        guard vitkit_png_read_header(reader) == 0 else { throw error(reader, name: name) }
        let r = reader.pointee
        let width = Int(r.width), height = Int(r.height)
        try ImageDecoder.checkSize(width, height, name: name)

        let layout: RawLayout
        switch (r.color_type, r.bit_depth) {
        case (PNG_COLOR_TYPE_GRAY, 16): layout = .grey16
        case (PNG_COLOR_TYPE_GRAY, _): layout = .grey
        case (PNG_COLOR_TYPE_GRAY_ALPHA, _): layout = .greyAlpha
        case (PNG_COLOR_TYPE_RGB, _): layout = .rgb
        case (PNG_COLOR_TYPE_RGB_ALPHA, _): layout = .rgba
        case (PNG_COLOR_TYPE_PALETTE, _):
            let colors = withUnsafeBytes(of: r.palette) { Array($0.prefix(Int(r.palette_count) * 3)) }
            layout = .palette(colors)
        default:
            throw .malformed(file: name, format: "PNG", reason: "unknown colour type \(r.color_type)")
        }

        var rowBytes = 0
        let pixels = ImageDecoder.decodeRGB(pixels: width * height, layout: layout) { out, capacity in
            guard vitkit_png_read_pixels(reader, out, capacity) == 0 else { return false }
            rowBytes = reader.pointee.row_bytes
            return rowBytes == width * layout.bytesPerPixel
        }
        guard let pixels else {
            if rowBytes != 0 {
                throw .malformed(file: name, format: "PNG", reason: "unexpected row size \(rowBytes) for \(layout)")
            }
            throw error(reader, name: name)
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    static func error(_ reader: UnsafeMutablePointer<vitkit_png_reader>, name: String) -> ImageError {
        if reader.pointee.truncated != 0 { return .truncated(file: name, format: "PNG") }
        let message = String(cString: vitkit_png_message(reader))
        return .malformed(file: name, format: "PNG", reason: message.isEmpty ? "decoding failed" : message)
    }

    static func bigEndian32(_ b: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        UInt32(bigEndian: b.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
}
