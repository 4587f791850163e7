import Tensors

/// transformers' ViT, DeiT and BiT image processors (4.57) for one image, slow or fast:
/// convert to RGB, resize (Pillow or torchvision, BILINEAR or BICUBIC, to height x width or
/// by the shortest edge), center crop (padding with zeros), rescale, normalise, channels
/// first.
///
/// Per value, as the slow processors compute it: `x = Float(Double(byte) * rescaleFactor)`
/// (rescaled in float64, cast to float32), then `(x - mean[c]) / std[c]` in float32. The fast
/// processors compute `(Float(byte) - mean'[c]) / std'[c]` with `mean' = mean * (1 /
/// rescaleFactor)` in float32 (`processor`). Unlike transformers 4.57, whose ViT and DeiT
/// processors fail on non-RGB PIL images unless `do_convert_rgb` is set, every image is first
/// converted as `Image.convert("RGB")` does (see `ImageDecoder`). EXIF orientation is not
/// applied (the processors do not apply it; the pipeline's `load_image` does).
///
/// A plain value: set its properties before use, then share it between threads freely.
public struct ImagePreprocessor: Sendable, Equatable {
    /// Resize height in pixels (used when `doResize` and `shortestEdge` is nil).
    public var height: Int
    /// Resize width in pixels (used when `doResize` and `shortestEdge` is nil).
    public var width: Int
    /// When set (and `doResize`), the shorter side is resized to this and the longer one to
    /// `Int(Double(shortestEdge * long) / Double(short))` (transformers'
    /// `get_resize_output_image_size`, which truncates); `height` and `width` are not used.
    public var shortestEdge: Int?
    /// When false the image keeps its own size through the resize step.
    public var doResize: Bool
    /// The resize filter (`resample` in the config).
    public var resample: ResampleFilter
    /// When true the resized image is center-cropped to `cropHeight` x `cropWidth`, padded
    /// with zero bytes where it is smaller.
    public var doCenterCrop: Bool
    /// Center-crop height in pixels.
    public var cropHeight: Int
    /// Center-crop width in pixels.
    public var cropWidth: Int
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
    /// The implementation reproduced: the Pillow-based processors or the torchvision ones.
    public var processor: ImageProcessorKind

    /// A preprocessor producing `size` x `size` images normalised with `mean` and std `std`
    /// (`ViTImageProcessor` with BILINEAR resize, no crop).
    ///
    /// Traps unless `size > 0` and `mean` and `std` hold 3 values each.
    public init(
        size: Int = 224, rescaleFactor: Double = 1.0 / 255.0,
        mean: [Float] = [0.5, 0.5, 0.5], std: [Float] = [0.5, 0.5, 0.5], processor: ImageProcessorKind = .pillow
    ) {
        precondition(size > 0 && mean.count == 3 && std.count == 3)
        self.height = size
        self.width = size
        self.shortestEdge = nil
        self.doResize = true
        self.resample = .bilinear
        self.doCenterCrop = false
        self.cropHeight = size
        self.cropWidth = size
        self.doRescale = true
        self.rescaleFactor = rescaleFactor
        self.doNormalize = true
        self.mean = mean
        self.std = std
        self.processor = processor
    }

    /// Pixel values for the image at `path`: a float32 tensor `[3, H, W]` (row-major,
    /// channels R, G, B first), in owned memory; `outputSize` gives H and W.
    ///
    /// - Throws: `ImageError` from `ImageDecoder.decode(path:)` and `checkResize`, naming `path`.
    public func pixelValues(path: String) throws(ImageError) -> Tensor {
        let image = try ImageDecoder.decode(path: path)
        try checkResize(width: image.width, height: image.height, name: path)
        return pixelTensor(image: image)
    }

    /// Pixel values for a decoded image as a float32 tensor `[3, H, W]` (row-major, channels
    /// first), in owned memory; `outputSize(width:height:)` gives H and W. The resize
    /// allocates what the settings ask: call `checkResize` first for images of untrusted size.
    public func pixelTensor(image: RGBImage) -> Tensor {
        let prepared = geometry(image)
        let count = 3 * prepared.width * prepared.height
        let buffer = OwnedBuffer(count: count * 4)
        let floats = buffer.bytes.bindMemory(to: Float.self)
        writeValues(prepared, into: floats)
        return Tensor(dtype: .f32, shape: [3, prepared.height, prepared.width], data: .owned(buffer))
    }

    /// Pixel values for a decoded image, channels first (`[3, H, W]` row-major), as
    /// `pixelTensor(image:)` computes them.
    public func pixelValues(image: RGBImage) -> [Float] {
        let prepared = geometry(image)
        let count = 3 * prepared.width * prepared.height
        return [Float](unsafeUninitializedCapacity: count) { out, initialized in
            writeValues(prepared, into: out)
            initialized = count
        }
    }

    /// The float value of byte `v` in channel `c`.
    package func value(_ v: UInt8, channel c: Int) -> Float {
        switch processor {
        case .pillow:
            var x: Float = doRescale ? Float(Double(v) * rescaleFactor) : Float(v)
            if doNormalize { x = (x - mean[c]) / std[c] }
            return x
        case .fast:
            // `rescale_and_normalize`: with both steps, mean and std are float32 tensors
            // multiplied by the Python float 1 / rescale_factor (a float32 product).
            if doNormalize {
                guard doRescale else { return (Float(v) - mean[c]) / std[c] }
                let inverse = Float(1.0 / rescaleFactor)
                return (Float(v) - mean[c] * inverse) / (std[c] * inverse)
            }
            return doRescale ? Float(v) * Float(rescaleFactor) : Float(v)
        }
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
