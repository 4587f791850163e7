internal import CJPEG

/// JPEG decoding through libjpeg-turbo (see `CJPEG/shim.h` for the setjmp side).
enum JPEGDecoder {
    static func decode(_ bytes: UnsafeRawBufferPointer, name: String) throws(ImageError) -> RGBImage {
        guard let reader = vitkit_jpeg_new(bytes.baseAddress, bytes.count) else {
            throw .io(file: name, reason: "cannot create a JPEG decoder")
        }
        defer { vitkit_jpeg_free(reader) }
        guard vitkit_jpeg_read_header(reader) == 0 else { throw error(reader, name: name) }
        let width = Int(reader.pointee.width), height = Int(reader.pointee.height)
        try ImageDecoder.checkSize(width, height, name: name)

        let layout: RawLayout
        switch reader.pointee.components {
        case 1: layout = .grey
        case 3: layout = .rgb
        case 4: layout = .adobeCMYK
        case let n: throw .unsupported(file: name, reason: "cannot handle \(n)-component JPEG images")
        }
        let pixels = ImageDecoder.decodeRGB(pixels: width * height, layout: layout) { out, capacity in
            vitkit_jpeg_read_pixels(reader, out, capacity) == 0
        }
        guard let pixels else { throw error(reader, name: name) }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    static func error(_ reader: UnsafeMutablePointer<vitkit_jpeg_reader>, name: String) -> ImageError {
        if reader.pointee.truncated != 0 { return .truncated(file: name, format: "JPEG") }
        let message = String(cString: vitkit_jpeg_message(reader))
        if message.hasPrefix("Unsupported JPEG data precision") || message.hasPrefix("cannot handle") {
            return .unsupported(file: name, reason: message)
        }
        return .malformed(file: name, format: "JPEG", reason: message.isEmpty ? "decoding failed" : message)
    }
}
