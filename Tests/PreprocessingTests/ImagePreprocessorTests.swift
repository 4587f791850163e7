import Foundation
import Preprocessing
import Tensors
import Testing

/// Configuration handling and the float arithmetic of `ViTImageProcessor`.
@Suite struct ImagePreprocessorTests {
    /// A 16x16 image holding every byte value: R = i, G = 255 - i, B = 7i mod 256.
    static let allBytes: RGBImage = {
        var pixels: [UInt8] = []
        for i in 0..<256 { pixels += [UInt8(i), UInt8(255 - i), UInt8((i * 7) % 256)] }
        return RGBImage(width: 16, height: 16, pixels: pixels)
    }()

    func config(_ text: String) throws -> ImagePreprocessor {
        try ImagePreprocessor(preprocessorConfig: try JSON.parse(text), imageSize: 99)
    }

    func crc(_ values: [Float]) -> UInt32 {
        TestPNG.crc32(values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } })
    }

    /// (processor config, shape, CRC-32 of `ViTImageProcessor(**config)(allBytes)`'s float32
    /// bytes) from `samples/image_checks.py` (transformers 4.57).
    static let processorCases: [(config: JSON, shape: [Int], crc: UInt32)] = {
        let entries = Fixtures.imageChecks["vit_image_processor"]?.arrayValue ?? []
        precondition(!entries.isEmpty, "image-checks.json has no vit_image_processor cases")
        return entries.map { e in (e["config"]!, e["shape"]!.arrayValue!.map { $0.intValue! }, UInt32(e["crc32"]!.intValue!)) }
    }()

    @Test(arguments: processorCases.indices)
    func floatsMatchTransformersBitForBit(index: Int) throws {
        let (json, shape, expected) = Self.processorCases[index]
        let tensor = try ImagePreprocessor(preprocessorConfig: json, imageSize: 99).pixelTensor(image: Self.allBytes)
        #expect(tensor.shape == shape && tensor.dtype == .f32)
        #expect(crc(try tensor.floats()) == expected, "\(json.compactText)")
    }

    @Test func nonSquareSizeAndScalarMeanStd() throws {
        let p = try config(#"{"size": {"height": 7, "width": 20}, "image_mean": 0.3, "image_std": 0.7, "resample": 2}"#)
        #expect(p.height == 7 && p.width == 20)
    }

    @Test func defaults() throws {
        let none = try ImagePreprocessor(preprocessorConfig: nil, imageSize: 384)
        #expect(none == ImagePreprocessor(size: 384))
        #expect(try ImagePreprocessor(preprocessorConfig: nil) == ImagePreprocessor(size: 224))
        let empty = try config("{}")
        #expect(empty.height == 99 && empty.mean == [0.5, 0.5, 0.5] && empty.std == [0.5, 0.5, 0.5])
        #expect(empty.rescaleFactor == 1.0 / 255.0)
        let hf = try config(
            #"""
            {"do_normalize": true, "do_rescale": true, "do_resize": true, "image_mean": [0.5, 0.5, 0.5],
             "image_processor_type": "ViTImageProcessor", "image_std": [0.5, 0.5, 0.5], "resample": 2,
             "rescale_factor": 0.00392156862745098, "size": {"height": 224, "width": 224}}
            """#)
        #expect(hf == ImagePreprocessor(size: 224))
        #expect(try config(#"{"size": 32}"#).width == 32)
    }

    @Test(arguments: [
        #"{"size": {"shortest_edge": 224}}"#, #"{"resample": 3}"#, #"{"do_center_crop": true}"#,
        #"{"image_mean": [0.5, 0.5]}"#, #"{"image_std": [0.5, 0, 0.5]}"#, #"{"do_resize": "yes"}"#, #"[1, 2]"#,
        #"{"size": 0}"#,
    ])
    func unsupportedConfigsAreRefused(json: String) {
        #expect(throws: ImageError.self) { try config(json) }
    }

    @Test func pixelTensorMatchesPixelValues() throws {
        let p = ImagePreprocessor(size: 10)
        #expect(try p.pixelTensor(image: Self.allBytes).floats() == p.pixelValues(image: Self.allBytes))
        #expect(p.value(255, channel: 0) == 1.0 && p.value(0, channel: 2) == -1.0)
    }
}
