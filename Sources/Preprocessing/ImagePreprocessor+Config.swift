import Tensors

extension ImagePreprocessor {
    /// The settings of a `preprocessor_config.json`, or the `ViTImageProcessor` defaults
    /// when there is none.
    ///
    /// `image_processor_type` (or the older `feature_extractor_type`) picks the class whose
    /// defaults apply: `ViTImageProcessor` (also when absent), `DeiTImageProcessor`,
    /// `BitImageProcessor` (DINOv2's), or their `Fast` variants. Without a config, or without
    /// `size` in a ViT one, the resize target is `imageSize` x `imageSize` (the model's
    /// `image_size`), else 224.
    ///
    /// - Parameters:
    ///   - processor: the implementation to reproduce; nil: the one the config's type names
    ///     (as `AutoImageProcessor` does when `use_fast` is unset), else `.pillow`.
    ///   - source: where the config came from, named in errors (a file path).
    /// - Throws: `ImageError.invalidConfig` naming the key for anything vitkit would not
    ///   reproduce: an unknown key or processor type, a resample filter other than BILINEAR (2)
    ///   or BICUBIC (3), a size form the class does not accept, padding, malformed values.
    public init(
        preprocessorConfig: JSON?, imageSize: Int? = nil, processor: ImageProcessorKind? = nil, source: String? = nil
    ) throws(ImageError) {
        self.init(size: imageSize ?? 224, processor: processor ?? .pillow)
        guard let config = preprocessorConfig else { return }
        guard let entries = config.objectValue else { throw .invalidConfig(file: source, reason: "not a JSON object") }
        var reader = ConfigReader(entries: entries, source: source)
        let processorType = try reader.string("image_processor_type")
        let extractorType = try reader.string("feature_extractor_type")
        let type = processorType ?? extractorType
        var family = ImageProcessorFamily.vit
        if let type {
            guard let parsed = ImageProcessorFamily.parse(type) else {
                throw .invalidConfig(file: source, reason: "image processor type '\(type)' is not supported "
                    + "(ViTImageProcessor, DeiTImageProcessor, BitImageProcessor or their Fast variants)")
            }
            family = parsed.family
            self.processor = processor ?? parsed.kind
        }
        applyDefaults(of: family)
        try apply(&reader, family: family, imageSize: imageSize)
        try reader.finish()
    }

    /// The `__init__` defaults of `family` (transformers 4.57).
    private mutating func applyDefaults(of family: ImageProcessorFamily) {
        switch family {
        case .vit:
            return
        case .deit:
            (height, width, resample, doCenterCrop, cropHeight, cropWidth) = (256, 256, .bicubic, true, 224, 224)
        case .bit:
            (shortestEdge, resample, doCenterCrop, cropHeight, cropWidth) = (224, .bicubic, true, 224, 224)
            (mean, std) = ([0.48145466, 0.4578275, 0.40821073], [0.26862954, 0.26130258, 0.27577711])
        }
    }

    private mutating func apply(_ r: inout ConfigReader, family: ImageProcessorFamily, imageSize: Int?) throws(ImageError) {
        if let v = try r.flag("do_resize") { doResize = v }
        if let v = try r.flag("do_rescale") { doRescale = v }
        if let v = try r.flag("do_normalize") { doNormalize = v }
        if let v = try r.flag("do_center_crop") { doCenterCrop = v }
        // Every image is converted to RGB whatever this says (a superset of the processors).
        _ = try r.flag("do_convert_rgb")
        // An integer size means a square except for BiT (the fast classes' default_to_square).
        var intIsShortestEdge = family == .bit
        if processor == .fast, let square = try r.flag("default_to_square") { intIsShortestEdge = !square }
        if let size = try r.size("size", intIsShortestEdge: intIsShortestEdge) {
            switch size {
            case .shortestEdge(let edge):
                guard family == .bit || processor == .fast else {
                    throw r.invalid("'size' {\"shortest_edge\"} is not accepted by \(family.rawValue)ImageProcessor "
                        + "(it resizes to height and width)")
                }
                shortestEdge = edge
            case .box(let h, let w):
                (shortestEdge, height, width) = (nil, h, w)
            }
        }
        if let crop = try r.size("crop_size", intIsShortestEdge: false) {
            guard case .box(let h, let w) = crop else { throw r.invalid("'crop_size' must give height and width") }
            (cropHeight, cropWidth) = (h, w)
        }
        if let v = try r.int("resample") {
            guard let filter = ResampleFilter(rawValue: v) else {
                throw r.invalid("resample \(v) is not supported (2 BILINEAR or 3 BICUBIC)")
            }
            resample = filter
        }
        if let f = try r.number("rescale_factor") { rescaleFactor = f }
        if let m = try r.channels("image_mean") { mean = m }
        if let s = try r.channels("image_std") { std = s }
        guard std.allSatisfy({ $0 != 0 }) || !doNormalize else { throw r.invalid("'image_std' contains zero") }
        try r.requireAbsentOrFalse("do_pad")
        try r.requireNull("pad_size")
        try r.requireNull("input_data_format")
        try r.requireNull("device", orString: "cpu")
        try r.requireNull("data_format", orString: "channels_first")
    }
}

extension ImagePreprocessor {
    /// These settings as a `preprocessor_config.json` object that
    /// `init(preprocessorConfig:processor:)` reads back to an equal value, and that
    /// transformers' processor of the named `image_processor_type` follows the same way:
    /// `ViTImageProcessor(Fast)` without crop or shortest-edge resize, else
    /// `BitImageProcessor(Fast)` (which accepts every setting, and all are written).
    public var preprocessorConfig: JSON {
        let family: ImageProcessorFamily = doCenterCrop || shortestEdge != nil ? .bit : .vit
        func box(_ h: Int, _ w: Int) -> JSON { .object([("height", .int(h)), ("width", .int(w))]) }
        return .object([
            ("image_processor_type", .string(family.rawValue + "ImageProcessor" + (processor == .fast ? "Fast" : ""))),
            ("do_resize", .bool(doResize)),
            ("size", shortestEdge.map { JSON.object([("shortest_edge", .int($0))]) } ?? box(height, width)),
            ("resample", .int(resample.rawValue)),
            ("do_center_crop", .bool(doCenterCrop)), ("crop_size", box(cropHeight, cropWidth)),
            ("do_rescale", .bool(doRescale)), ("rescale_factor", .double(rescaleFactor)),
            ("do_normalize", .bool(doNormalize)),
            ("image_mean", .array(mean.map { JSON.float($0) })), ("image_std", .array(std.map { JSON.float($0) })),
        ])
    }
}
