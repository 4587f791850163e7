import ViTModel
import Preprocessing
import Tensors

extension ViTPipeline {
    /// Outputs for images already in memory (decoded RGB), preprocessed exactly as
    /// `ViTImageProcessor`, in batches of `batchSize`.
    ///
    /// - Throws: `ViTError` from the forward pass.
    public func run(images: [RGBImage], batchSize: Int = 8) throws -> [ViTOutputs] {
        try run(count: images.count, batchSize: batchSize) { preprocessor.pixelValues(image: images[$0]) }
    }

    /// Outputs for encoded PNG or JPEG files held in memory (e.g. received over a network).
    ///
    /// - Throws: `ImageError` naming the image's index when one cannot be decoded;
    ///   `ViTError` from the forward pass.
    public func run(encodedImages: [[UInt8]], batchSize: Int = 8) throws -> [ViTOutputs] {
        try run(count: encodedImages.count, batchSize: batchSize) { i in
            preprocessor.pixelValues(image: try ImageDecoder.decode(data: encodedImages[i], name: "image \(i)"))
        }
    }

    /// Outputs for pixel tensors already preprocessed: `[3, S, S]` float32 each, `S` the
    /// pipeline's `imageSize`, channels first, row-major.
    ///
    /// - Throws: `ViTError.input` when a tensor's shape or dtype is not that.
    public func run(pixelTensors: [Tensor], batchSize: Int = 8) throws -> [ViTOutputs] {
        let expected = [3, imageSize, imageSize]
        for (i, t) in pixelTensors.enumerated() where t.shape != expected || t.dtype != .f32 {
            throw ViTError.input("pixel tensor \(i) is \(t.dtype.rawValue) \(Shape.describe(t.shape)), expected F32 \(Shape.describe(expected))")
        }
        return try run(count: pixelTensors.count, batchSize: batchSize) { try pixelTensors[$0].floats() }
    }

    /// Runs `count` inputs whose pixels `pixels(i)` gives, `batchSize` at a time.
    func run(count: Int, batchSize: Int, progress: ((Int, Int) -> Void)? = nil,
             pixels: (Int) throws -> [Float]) throws -> [ViTOutputs] {
        precondition(batchSize > 0, "batchSize must be positive")
        var outputs: [ViTOutputs] = []
        outputs.reserveCapacity(count)
        var start = 0
        while start < count {
            let end = min(start + batchSize, count)
            var batch: [Float] = []
            for i in start..<end { batch += try pixels(i) }
            outputs += try forward.run(pixels: batch, batch: end - start, size: imageSize)
            start = end
            progress?(end, count)
        }
        return outputs
    }
}
