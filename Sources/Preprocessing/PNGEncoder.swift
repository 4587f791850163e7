internal import CPNG

/// PNG encoding through libpng: 8-bit RGB, no interlacing, zlib level 6.
public enum PNGEncoder {
    /// The PNG file for `image`, in memory.
    ///
    /// `name` (the file the bytes are meant for) is used in error messages.
    ///
    /// - Throws: `ImageError.emptyImage` for an image without pixels; `.io` naming `name`
    ///   when libpng fails (out of memory).
    public static func encode(_ image: RGBImage, name: String = "<memory>") throws(ImageError) -> [UInt8] {
        guard image.width > 0, image.height > 0 else {
            throw .emptyImage(file: name, width: image.width, height: image.height)
        }
        guard image.width <= ImageDecoder.maxDimension, image.height <= ImageDecoder.maxDimension else {
            throw .tooLarge(file: name, width: image.width, height: image.height,
                            limit: "\(ImageDecoder.maxDimension) pixels per side")
        }
        var out = vitkit_png_buffer()
        defer { vitkit_png_buffer_free(&out) }
        let status = image.pixels.withUnsafeBufferPointer {
            vitkit_png_encode_rgb($0.baseAddress, UInt32(image.width), UInt32(image.height), &out)
        }
        guard status == 0, let data = out.data else {
            let message = withUnsafeBytes(of: out.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            throw .io(file: name, reason: "PNG encoding failed: \(message.isEmpty ? "libpng error" : message)")
        }
        return Array(UnsafeBufferPointer(start: data, count: out.size))
    }
}
