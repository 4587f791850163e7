import Tensors

/// Decodes PNG and JPEG files to 8-bit RGB the way `PIL.Image.open(path).convert("RGB")` does.
///
/// The format is detected from the first bytes, not the file name. Conversion per source:
/// grey is replicated; alpha is dropped (not composited); palettes are expanded (tRNS
/// ignored); 16-bit RGB(A) and grey+alpha keep the high byte; 16-bit grey is clipped to 255
/// (Pillow's "I;16" -> "RGB"); CMYK JPEGs use Pillow's Adobe-polarity `cmyk2rgb`. EXIF
/// orientation, gamma and ICC profiles are ignored, as `ViTImageProcessor` ignores them.
public enum ImageDecoder {
    /// The largest width or height accepted.
    public static let maxDimension = 65_535
    /// The largest `width * height` accepted (Pillow's `MAX_IMAGE_PIXELS`), checked against
    /// the header before any pixel memory is allocated. Decoding then needs at most 4 bytes
    /// per pixel, plus libjpeg's coefficient buffer for progressive JPEGs (capped at 1 GiB).
    public static let maxPixels = 89_478_485

    /// Decodes the image at `path` (memory-mapped while it is decoded).
    ///
    /// - Throws: `ImageError` naming `path`: `.io` when it cannot be read, `.notAnImage`,
    ///   `.truncated`, `.malformed`, `.emptyImage`, `.tooLarge` or `.unsupported`.
    public static func decode(path: String) throws(ImageError) -> RGBImage {
        let file: MappedFile
        do {
            file = try MappedFile(path: path)
        } catch {
            if case .io(_, let reason) = error { throw .io(file: path, reason: reason) }
            throw .io(file: path, reason: error.description)
        }
        return try decode(bytes: file.bytes, name: path)
    }

    /// Decodes an image held in memory; `name` is used in error messages.
    ///
    /// `bytes` are only read during the call; the result owns its pixels.
    ///
    /// - Throws: `ImageError` naming `name`: `.notAnImage`, `.truncated`, `.malformed`,
    ///   `.emptyImage`, `.tooLarge` or `.unsupported`.
    public static func decode(bytes: UnsafeRawBufferPointer, name: String = "<memory>") throws(ImageError) -> RGBImage {
        switch format(of: bytes) {
        case .png: return try PNGDecoder.decode(bytes, name: name)
        case .jpeg: return try JPEGDecoder.decode(bytes, name: name)
        case .other(let detected): throw .notAnImage(file: name, detected: detected)
        }
    }

    /// Decodes an image held in memory; `name` is used in error messages.
    ///
    /// - Throws: `ImageError` naming `name`, as `decode(bytes:name:)`.
    public static func decode(data: [UInt8], name: String = "<memory>") throws(ImageError) -> RGBImage {
        try data.withUnsafeBytes { b in Result { () throws(ImageError) in try decode(bytes: b, name: name) } }.get()
    }

    enum Format: Equatable {
        case png, jpeg
        case other(String?)
    }

    static func format(of b: UnsafeRawBufferPointer) -> Format {
        func starts(_ magic: [UInt8], at offset: Int = 0) -> Bool {
            b.count >= offset + magic.count && magic.indices.allSatisfy { b[offset + $0] == magic[$0] }
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(Array("GIF8".utf8)) { return .other("GIF") }
        if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return .other("WebP") }
        if starts(Array("BM".utf8)) { return .other("BMP") }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return .other("TIFF") }
        if starts(Array("ftyp".utf8), at: 4) { return .other("HEIF/AVIF") }
        return .other(nil)
    }

    /// Throws unless a `width` x `height` image is within the limits.
    static func checkSize(_ width: Int, _ height: Int, name: String) throws(ImageError) {
        guard width > 0, height > 0 else { throw .emptyImage(file: name, width: width, height: height) }
        guard width <= maxDimension, height <= maxDimension else {
            throw .tooLarge(file: name, width: width, height: height, limit: "\(maxDimension) pixels per side")
        }
        guard width * height <= maxPixels else {
            throw .tooLarge(file: name, width: width, height: height, limit: "\(maxPixels) pixels")
        }
    }

    /// Allocates room for `pixels` pixels of `layout`, lets `decode` fill it (returning false
    /// on failure), converts to RGB in place and returns the `pixels * 3` RGB bytes.
    static func decodeRGB(
        pixels: Int, layout: RawLayout, _ decode: (UnsafeMutablePointer<UInt8>, Int) -> Bool
    ) -> [UInt8]? {
        let capacity = pixels * max(3, layout.bytesPerPixel)
        var ok = false
        let result = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            let base = buffer.baseAddress!
            ok = decode(base, capacity)
            if ok { RGBConversion.convertInPlace(base, count: pixels, from: layout) }
            initialized = ok ? pixels * 3 : 0
        }
        return ok ? result : nil
    }
}
