import Preprocessing
import ViTInference
import ViTModel
import Tensors

/// A stored-expectations file (format `vitkit-expectations`, version 1): images relative to
/// the file, the preprocessing used, expected outputs per image, default tolerances and
/// provenance. `samples/expectations.py` writes it with transformers; `verify --record`
/// writes it from vitkit's own outputs. Documented in docs/EXPECTATIONS.md.
public struct Expectations: Sendable {
    /// One image's expected outputs (any may be absent).
    public struct Image: Sendable {
        /// As written in the file (relative to the file's directory unless absolute).
        public var path: String
        /// Classifier logits `[labels]`.
        public var logits: [Float]?
        /// Pooler output `[hidden]` (in21k models).
        public var poolerOutput: [Float]?
        /// The final hidden state of the class token `[hidden]`.
        public var cls: [Float]?
    }

    /// The `format` field of an expectations file.
    public static let formatName = "vitkit-expectations"
    /// The format version this vitkit reads and writes.
    public static let version = 1

    /// Expected outputs per image, in file order.
    public var images: [Image]
    /// `preprocessing.image_size` (nil: the model's own size).
    public var imageSize: Int?
    /// Absolute tolerance recorded with the file.
    public var atol: Double
    /// Relative tolerance recorded with the file.
    public var rtol: Double
    /// The whole `preprocessing` object, kept for reporting.
    public var preprocessing: JSON?
    /// `preprocessing.processor`: the image processor implementation the outputs were
    /// recorded with; files without the key were recorded with `.pillow`.
    public var processor: ImageProcessorKind
    /// Who recorded the file (library, version, model, scheme).
    public var provenance: JSON?
    /// The directory image paths are relative to.
    public var baseDirectory: String
    /// The file these expectations were read from (nil when built in memory), named in errors
    /// about its `preprocessing`.
    public var source: String?

    /// Expectations in memory; image paths are relative to `baseDirectory`.
    public init(images: [Image], imageSize: Int?, atol: Double, rtol: Double, preprocessing: JSON?, provenance: JSON?, baseDirectory: String) {
        self.images = images
        self.imageSize = imageSize
        self.atol = atol
        self.rtol = rtol
        self.preprocessing = preprocessing
        self.processor = preprocessing?["processor"]?.stringValue.flatMap(ImageProcessorKind.init(rawValue:)) ?? .pillow
        self.provenance = provenance
        self.baseDirectory = baseDirectory
        self.source = nil
    }

    /// Reads and validates an expectations file.
    ///
    /// - Throws: `CheckpointError` when the file cannot be read; `ViTError.input` naming the file
    ///   when it is not a vitkit expectations file, a value is out of range or of the wrong type
    ///   (`preprocessing` and `tolerances` not objects, `preprocessing.image_size` not an
    ///   integer in 1...65535).
    public init(path: String) throws {
        let bytes = try FileSystem.readFile(path)
        let json: JSON
        do { json = try JSON.parse(bytes) } catch {
            throw ViTError.input("\(path): not valid JSON: \(error.description)")
        }
        func bad(_ s: String) -> ViTError { .input("\(path): \(s)") }
        guard json["format"]?.stringValue == Self.formatName else { throw bad("not a vitkit-expectations file (format field)") }
        guard let v = json["version"]?.intValue, v == Self.version else {
            throw bad("unsupported expectations version \(json["version"]?.compactText ?? "missing") (this vitkit reads version \(Self.version))")
        }
        guard let items = json["images"]?.arrayValue, !items.isEmpty else { throw bad("no images") }
        func floats(_ j: JSON?, _ what: String) throws -> [Float]? {
            guard let j else { return nil }
            guard let a = j.arrayValue else { throw bad("\(what) is not an array") }
            return try a.map { x throws in
                guard let d = x.doubleValue else { throw bad("\(what) holds a non-number") }
                return Float(d)
            }
        }
        images = try items.enumerated().map { k, item in
            guard let p = item["path"]?.stringValue else { throw bad("image \(k) has no path") }
            let img = Image(path: p, logits: try floats(item["logits"], "\(p) logits"),
                            poolerOutput: try floats(item["pooler_output"], "\(p) pooler_output"),
                            cls: try floats(item["cls"], "\(p) cls"))
            guard img.logits != nil || img.poolerOutput != nil || img.cls != nil else { throw bad("image \(p) has no expected outputs") }
            return img
        }
        for key in ["preprocessing", "tolerances"] {
            if let v = json[key], v != .null, v.objectValue == nil {
                throw bad("\(key) must be an object, found \(v.compactText.prefix(40))")
            }
        }
        preprocessing = json["preprocessing"]
        switch preprocessing?["image_size"] {
        case nil, .null?: imageSize = nil
        case let v?:
            guard let size = v.intValue, (1...ImageDecoder.maxDimension).contains(size) else {
                throw bad("preprocessing.image_size must be an integer in 1...\(ImageDecoder.maxDimension), found \(v.compactText)")
            }
            imageSize = size
        }
        switch preprocessing?["processor"] {
        case nil, .null?: processor = .pillow
        case let v?:
            guard let kind = v.stringValue.flatMap(ImageProcessorKind.init(rawValue:)) else {
                throw bad("preprocessing.processor must be \"pillow\" or \"fast\", found \(v.compactText)")
            }
            processor = kind
        }
        func tolerance(_ key: String, _ fallback: Double) throws -> Double {
            guard let v = json["tolerances"]?[key], v != .null else { return fallback }
            guard let d = v.doubleValue, d.isFinite, d >= 0 else { throw bad("tolerances.\(key) must be a finite number >= 0, found \(v.compactText)") }
            return d
        }
        atol = try tolerance("atol", 1e-4)
        rtol = try tolerance("rtol", 0)
        provenance = json["provenance"]
        baseDirectory = FileSystem.directoryName(of: path)
        source = path
    }

    /// `preprocessing` translated to `preprocessor_config.json` keys for `ImagePreprocessor`:
    /// its `processor_config` when recorded (vitkit 0.x `verify --record` writes it), else the
    /// ViT keys.
    public var processorConfig: JSON? {
        if let exact = preprocessing?["processor_config"], exact != .null { return exact }
        guard let p = preprocessing?.objectValue else { return nil }
        var m: [(String, JSON)] = []
        for key in ["rescale_factor", "image_mean", "image_std", "do_resize", "do_rescale", "do_normalize"] {
            if let v = p.first(where: { $0.0 == key })?.1 { m.append((key, v)) }
        }
        if let s = imageSize { m.append(("size", .object([("height", .int(s)), ("width", .int(s))]))) }
        return .object(m)
    }

    /// The absolute or caller-relative path of an image.
    public func resolve(_ image: Image) -> String {
        image.path.hasPrefix("/") ? image.path : FileSystem.join(baseDirectory, image.path)
    }

    /// The file's JSON form.
    public var json: JSON {
        func arr(_ v: [Float]) -> JSON { .array(v.map { JSON.float($0) }) }
        return .object([
            ("format", .string(Self.formatName)),
            ("version", .int(Self.version)),
            ("provenance", provenance ?? .object([])),
            ("preprocessing", preprocessing ?? .object(imageSize.map { [("image_size", JSON.int($0))] } ?? [])),
            ("tolerances", .object([("atol", .double(atol)), ("rtol", .double(rtol))])),
            ("images", .array(images.map { img in
                var m: [(String, JSON)] = [("path", .string(img.path))]
                if let l = img.logits { m.append(("logits", arr(l))) }
                if let p = img.poolerOutput { m.append(("pooler_output", arr(p))) }
                if let c = img.cls { m.append(("cls", arr(c))) }
                return .object(m)
            })),
        ])
    }
}
