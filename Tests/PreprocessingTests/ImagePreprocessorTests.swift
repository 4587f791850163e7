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
        #expect(hf.height == 224 && hf.width == 224 && hf.resample == .bilinear && !hf.doCenterCrop)
        #expect(try config(#"{"size": {"height": 224, "width": 224}}"#).pixelValues(image: Self.allBytes)
            == ImagePreprocessor(size: 224).pixelValues(image: Self.allBytes))
        #expect(try config(#"{"size": 32}"#).width == 32)
    }

    @Test(arguments: [
        #"{"size": {"shortest_edge": 224}}"#, #"{"resample": 1}"#, #"{"resample": 0}"#, #"{"crop_pct": 0.875}"#,
        #"{"image_processor_type": "CLIPImageProcessor"}"#, #"{"do_pad": true}"#, #"{"data_format": "channels_last"}"#,
        #"{"image_processor_type": "DeiTImageProcessor", "size": {"shortest_edge": 256}}"#,
        #"{"size": {"shortest_edge": 256, "longest_edge": 512}}"#, #"{"crop_size": {"shortest_edge": 224}}"#,
        #"{"do_center_crop": 1}"#, #"{"size": 100000}"#, #"{"crop_size": {"height": 65535, "width": 65535}}"#,
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

/// The keys and defaults of the DeiT and BiT processors and the fast variants.
@Suite struct ProcessorConfigTests {
    func parse(_ text: String, processor: ImageProcessorKind? = nil) throws -> ImagePreprocessor {
        try ImagePreprocessor(preprocessorConfig: try JSON.parse(text), imageSize: 99, processor: processor)
    }

    @Test func deitIntegerSizesAreSquares() throws {
        let p = try parse(#"{"feature_extractor_type": "DeiTFeatureExtractor", "size": 256, "crop_size": 224, "resample": 3}"#)
        #expect(p.height == 256 && p.width == 256 && p.shortestEdge == nil && p.resample == .bicubic)
        #expect(p.doCenterCrop && p.cropHeight == 224 && p.cropWidth == 224 && p.processor == .pillow)
        #expect(p.outputSize(width: 500, height: 20) == (224, 224))
    }

    @Test func bitIntegerSizeIsTheShortestEdge() throws {
        let p = try parse(#"{"image_processor_type": "BitImageProcessor", "size": 256}"#)
        #expect(p.shortestEdge == 256 && p.mean == [0.48145466, 0.4578275, 0.40821073])
        // transformers truncates: int(256 * 131 / 63) = 532
        #expect(p.resizedSize(width: 63, height: 131) == (256, 532))
        #expect(p.resizedSize(width: 131, height: 63) == (532, 256))
    }

    @Test func fastTypeSelectsTheFastPathUnlessOverridden() throws {
        #expect(try parse(#"{"image_processor_type": "ViTImageProcessorFast"}"#).processor == .fast)
        #expect(try parse(#"{"image_processor_type": "ViTImageProcessorFast"}"#, processor: .pillow).processor == .pillow)
        #expect(try parse(#"{"image_processor_type": "ViTImageProcessor"}"#, processor: .fast).processor == .fast)
        // The fast classes resize by the shortest edge whatever the family.
        #expect(try parse(#"{"size": {"shortest_edge": 70}}"#, processor: .fast).shortestEdge == 70)
        let square = try parse(#"{"image_processor_type": "BitImageProcessorFast", "size": 70, "default_to_square": true}"#)
        #expect(square.shortestEdge == nil && square.height == 70)
    }

    @Test func unknownKeysAreNamed() throws {
        #expect {
            try parse(#"{"do_resize": true, "crop_pct": 0.9, "frobnicate": 1, "processor_class": "X"}"#)
        } throws: { error in
            "\(error)".contains("'crop_pct', 'frobnicate'") && !"\(error)".contains("processor_class")
        }
    }

    @Test func setOutputSizeMovesTheCropOrTheResize() throws {
        var crop = try parse(#"{"image_processor_type": "BitImageProcessor"}"#)
        try crop.setOutputSize(112)
        #expect(crop.cropWidth == 112 && crop.shortestEdge == 224)
        var plain = try parse("{}")
        try plain.setOutputSize(32)
        #expect(plain.height == 32 && plain.width == 32)
        var free = try parse(#"{"image_processor_type": "BitImageProcessor", "do_center_crop": false}"#)
        #expect(throws: ImageError.self) { try free.setOutputSize(224) }
    }

    /// A shortest-edge resize of a 60000 x 1 image would be 256 x 15,360,000: refused, not allocated.
    @Test func anElongatedImageIsRefusedBeforeResizing() throws {
        let p = try parse(#"{"image_processor_type": "BitImageProcessor", "size": {"shortest_edge": 256}}"#)
        let strip = RGBImage(width: 60000, height: 1, pixels: [UInt8](repeating: 9, count: 180_000))
        #expect(throws: ImageError.self) { try p.checkedPixelValues(image: strip, name: "strip") }
        let small = RGBImage(width: 20, height: 10, pixels: [UInt8](repeating: 9, count: 600))
        #expect(try p.checkedPixelValues(image: small, name: "small").count == 3 * 224 * 224)
    }
}
