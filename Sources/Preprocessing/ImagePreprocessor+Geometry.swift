extension ImagePreprocessor {
    /// The size `(width, height)` of the image after the resize step, for an input of
    /// `width` x `height`.
    ///
    /// With `shortestEdge`, as transformers' `get_resize_output_image_size(default_to_square=
    /// False)`: the short side becomes `shortestEdge`, the long side
    /// `int(shortestEdge * long / short)` (Python float division, truncated).
    public func resizedSize(width: Int, height: Int) -> (width: Int, height: Int) {
        guard doResize else { return (width, height) }
        guard let edge = shortestEdge else { return (self.width, self.height) }
        let (short, long) = width <= height ? (width, height) : (height, width)
        let newLong = Int(Double(edge * long) / Double(short))
        return width <= height ? (edge, newLong) : (newLong, edge)
    }

    /// Throws unless resizing a `width` x `height` image stays within `ImageDecoder`'s limits
    /// (`maxPixels`, `maxDimension`): a shortest-edge resize of a very elongated image would
    /// otherwise allocate without bound.
    ///
    /// - Throws: `ImageError.tooLarge` naming `name` and the size the resize would produce.
    public func checkResize(width: Int, height: Int, name: String) throws(ImageError) {
        let target = resizedSize(width: width, height: height)
        try ImageDecoder.checkSize(target.width, target.height, name: name + " (resized)")
    }

    /// `pixelValues(image:)` after `checkResize`, for images of untrusted size.
    ///
    /// - Throws: `ImageError.tooLarge` naming `name`.
    public func checkedPixelValues(image: RGBImage, name: String) throws(ImageError) -> [Float] {
        try checkResize(width: image.width, height: image.height, name: name)
        return pixelValues(image: image)
    }

    /// The size `(width, height)` of the pixel tensor for an input of `width` x `height`.
    public func outputSize(width: Int, height: Int) -> (width: Int, height: Int) {
        doCenterCrop ? (cropWidth, cropHeight) : resizedSize(width: width, height: height)
    }

    /// The output size `(width, height)` whatever the image: the crop when the processor
    /// crops, else the resize target of a height-and-width resize; nil when the output follows
    /// the image (a shortest-edge resize, or no resize, without a center crop).
    public var fixedOutputSize: (width: Int, height: Int)? {
        if doCenterCrop { return (cropWidth, cropHeight) }
        return doResize && shortestEdge == nil ? (width, height) : nil
    }

    /// The output is `size` x `size` whatever the image (the size a model runs at): the crop
    /// becomes `size` x `size` when the processor crops, else the resize target does.
    ///
    /// - Throws: `ImageError.invalidConfig` when the output size follows the image (a
    ///   shortest-edge resize, or no resize, without a center crop).
    public mutating func setOutputSize(_ size: Int, source: String? = nil) throws(ImageError) {
        precondition(size > 0)
        if doCenterCrop {
            (cropHeight, cropWidth) = (size, size)
        } else if doResize && shortestEdge == nil {
            (height, width) = (size, size)
        } else {
            let what = doResize ? "resizes the shortest edge to \(shortestEdge ?? 0)" : "does not resize"
            throw .invalidConfig(file: source, reason: "the processor \(what) and does not center crop, "
                + "so its output size follows each image; the model needs \(size) x \(size)")
        }
    }

    /// Resize and center crop of the 8-bit image, as the processor `processor` does them.
    func geometry(_ image: RGBImage) -> RGBImage {
        var out = image
        let target = resizedSize(width: image.width, height: image.height)
        if doResize && (target.width != image.width || target.height != image.height) {
            switch processor {
            case .pillow: out = PillowResize.resize(image, width: target.width, height: target.height, filter: resample)
            case .fast: out = PillowResize.torchvision(image, width: target.width, height: target.height, filter: resample)
            }
        }
        return doCenterCrop ? centerCrop(out) : out
    }

    /// `cropWidth` x `cropHeight` from the middle of `image`, zero bytes where it is smaller.
    ///
    /// Where the crop is larger than the image, transformers' numpy `center_crop` puts the odd
    /// padding pixel before the image (top or left: `ceil(d / 2)`), the fast processor's
    /// `F.pad` after it (`d // 2` before). Otherwise both start at `(size - crop) // 2`.
    func centerCrop(_ image: RGBImage) -> RGBImage {
        if image.width == cropWidth && image.height == cropHeight { return image }
        let (left, top) = cropOrigin(width: image.width, height: image.height)
        var pixels = [UInt8](repeating: 0, count: 3 * cropWidth * cropHeight)
        let x0 = max(0, -left), x1 = min(cropWidth, image.width - left)
        guard x0 < x1 else { return RGBImage(width: cropWidth, height: cropHeight, pixels: pixels) }
        image.pixels.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                for y in max(0, -top)..<min(cropHeight, image.height - top) {
                    let from = 3 * ((y + top) * image.width + x0 + left), to = 3 * (y * cropWidth + x0)
                    for i in 0..<(3 * (x1 - x0)) { dst[to + i] = src[from + i] }
                }
            }
        }
        return RGBImage(width: cropWidth, height: cropHeight, pixels: pixels)
    }

    /// Where the crop's first pixel lies in an image of `width` x `height` (negative: padding
    /// comes first).
    func cropOrigin(width: Int, height: Int) -> (left: Int, top: Int) {
        func origin(_ size: Int, _ crop: Int) -> Int {
            guard crop > size else { return (size - crop) / 2 }
            let d = crop - size
            return -(processor == .pillow ? (d + 1) / 2 : d / 2)
        }
        return (origin(width, cropWidth), origin(height, cropHeight))
    }

    /// The part of a `width` x `height` photo the processor's output shows, in the photo's
    /// pixels: all of it, or (center crop) the cropped window of the resized image mapped back
    /// through the resize (it extends beyond the photo where the crop pads).
    public func sourceRegion(width: Int, height: Int) -> (x: Double, y: Double, width: Double, height: Double) {
        let resized = doResize ? resizedSize(width: width, height: height) : (width: width, height: height)
        let sx = Double(width) / Double(resized.width), sy = Double(height) / Double(resized.height)
        guard doCenterCrop else { return (0, 0, Double(width), Double(height)) }
        let (left, top) = cropOrigin(width: resized.width, height: resized.height)
        return (Double(left) * sx, Double(top) * sy, Double(cropWidth) * sx, Double(cropHeight) * sy)
    }
}
