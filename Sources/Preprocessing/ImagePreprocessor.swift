import Tensors

/// `transformers.ViTImageProcessor` (4.57) for one image: convert to RGB, resize with
/// Pillow's BILINEAR, rescale, normalise, channels first.
///
/// Per value, as transformers computes it: `x = Float(Double(byte) * rescaleFactor)` (it
/// rescales in float64 and casts to float32), then `(x - mean[c]) / std[c]` in float32.
/// Unlike transformers 4.57, which fails on any non-RGB PIL image unless `do_convert_rgb`
/// is set, every image is first converted as `Image.convert("RGB")` does (see
/// `ImageDecoder`). EXIF orientation is not applied (the processor does not apply it; the
/// pipeline's `load_image` does).
///
/// A plain value: set its properties before use, then share it between threads freely.
public struct ImagePreprocessor: Sendable, Equatable {
    /// Output height in pixels (used when `doResize`).
    public var height: Int
    /// Output width in pixels (used when `doResize`).
    public var width: Int
    /// When false the image keeps its own size.
    public var doResize: Bool
    /// When false bytes enter normalisation as they are (0...255), not multiplied by
    /// `rescaleFactor`.
    public var doRescale: Bool
    /// Multiplier applied in float64 before the cast to float32 (default 1/255).
    public var rescaleFactor: Double
    /// When false `mean` and `std` are not applied.
    public var doNormalize: Bool
    /// Per-channel mean (R, G, B), subtracted after rescaling; 3 values.
    public var mean: [Float]
    /// Per-channel standard deviation (R, G, B), divided by after subtracting `mean`; 3
    /// non-zero values.
    public var std: [Float]

    /// A preprocessor producing `size` x `size` images normalised with `mean` and `std`.
    ///
    /// Traps unless `size > 0` and `mean` and `std` hold 3 values each.
    public init(
        size: Int = 224, rescaleFactor: Double = 1.0 / 255.0,
        mean: [Float] = [0.5, 0.5, 0.5], std: [Float] = [0.5, 0.5, 0.5]
    ) {
        precondition(size > 0 && mean.count == 3 && std.count == 3)
        self.height = size
        self.width = size
        self.doResize = true
        self.doRescale = true
        self.rescaleFactor = rescaleFactor
        self.doNormalize = true
        self.mean = mean
        self.std = std
    }

    /// The settings of a `preprocessor_config.json`, or the `ViTImageProcessor` defaults
    /// when there is none.
    ///
    /// Without a config (or without `size` in it) the output is `imageSize` x `imageSize`
    /// (the model's `image_size`), else 224. Mean and std default to 0.5.
    ///
    /// - Throws: `ImageError.invalidConfig` for settings this preprocessor cannot honour:
    ///   a resample filter other than BILINEAR (2), `size` without height and width (e.g.
    ///   `shortest_edge`), center cropping, or malformed values.
    ///
    /// - Parameter source: where the config came from, named in errors (a file path).
    public init(preprocessorConfig: JSON?, imageSize: Int? = nil, source: String? = nil) throws(ImageError) {
        self.init(size: imageSize ?? 224)
        guard let config = preprocessorConfig else { return }
        guard config.objectValue != nil else { throw .invalidConfig(file: source, reason: "not a JSON object") }
        try apply(config, source: source)
    }

    /// Pixel values for the image at `path`: a float32 tensor `[3, height, width]`
    /// (row-major, channels R, G, B first), in owned memory.
    ///
    /// - Throws: `ImageError` from `ImageDecoder.decode(path:)`, naming `path`.
    public func pixelValues(path: String) throws(ImageError) -> Tensor {
        let image = try ImageDecoder.decode(path: path)
        return pixelTensor(image: image)
    }

    /// Pixel values for a decoded image as a float32 tensor `[3, height, width]` (row-major,
    /// channels first), in owned memory. Without `doResize`, height and width are the image's.
    public func pixelTensor(image: RGBImage) -> Tensor {
        let resized = doResize ? PillowResize.bilinear(image, width: width, height: height) : image
        let count = 3 * resized.width * resized.height
        let buffer = OwnedBuffer(count: count * 4)
        let floats = buffer.bytes.bindMemory(to: Float.self)
        writeValues(resized, into: floats)
        return Tensor(dtype: .f32, shape: [3, resized.height, resized.width], data: .owned(buffer))
    }

    /// Pixel values for a decoded image, channels first (`[3, height, width]` row-major), as
    /// `pixelTensor(image:)` computes them.
    public func pixelValues(image: RGBImage) -> [Float] {
        let resized = doResize ? PillowResize.bilinear(image, width: width, height: height) : image
        let count = 3 * resized.width * resized.height
        return [Float](unsafeUninitializedCapacity: count) { out, initialized in
            writeValues(resized, into: out)
            initialized = count
        }
    }

    /// The float value of byte `v` in channel `c`.
    package func value(_ v: UInt8, channel c: Int) -> Float {
        var x: Float = doRescale ? Float(Double(v) * rescaleFactor) : Float(v)
        if doNormalize { x = (x - mean[c]) / std[c] }
        return x
    }

    /// Writes `image` (already at its final size) as CHW floats through a 256-entry table
    /// per channel: every byte value maps to exactly one float.
    func writeValues(_ image: RGBImage, into out: UnsafeMutableBufferPointer<Float>) {
        let plane = image.width * image.height
        precondition(out.count == 3 * plane)
        var table = [Float](repeating: 0, count: 3 * 256)
        for c in 0..<3 {
            for v in 0..<256 { table[c * 256 + v] = value(UInt8(v), channel: c) }
        }
        table.withUnsafeBufferPointer { t in
            image.pixels.withUnsafeBufferPointer { px in
                let r = out.baseAddress!, g = r + plane, b = g + plane
                for i in 0..<plane {
                    r[i] = t[Int(px[3 * i])]
                    g[i] = t[256 + Int(px[3 * i + 1])]
                    b[i] = t[512 + Int(px[3 * i + 2])]
                }
            }
        }
    }
}
