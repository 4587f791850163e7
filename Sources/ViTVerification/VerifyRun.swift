import Preprocessing
import ViTInference
import ViTModel
import Tensors

/// `verify`: run a checkpoint on an expectations file's images and compare.
public enum VerifyRun {
    /// Verifies `checkpoint` against `expectations`; tolerances default to the file's. The
    /// images are preprocessed with the file's `processor`.
    public static func run(_ checkpoint: ViTCheckpoint, expectations: Expectations,
                           atol: Double? = nil, rtol: Double? = nil, allowUnused: Bool = false,
                           compute: ComputePrecision = .f32, progress: ((Int, Int) -> Void)? = nil) throws -> Verification {
        let pipeline: ViTPipeline
        do {
            pipeline = try ViTPipeline(checkpoint: checkpoint, imageSize: expectations.imageSize,
                                       preprocessing: expectations.processorConfig, preprocessingSource: expectations.source,
                                       allowUnused: allowUnused, compute: compute, processor: expectations.processor)
        } catch let error as ViTError {
            // The size came from the file, not from a flag: say so.
            guard case .invalidImageSize = error, let file = expectations.source else { throw error }
            throw ViTError.input("\(file): preprocessing.image_size: \(error)")
        }
        let a = atol ?? expectations.atol, r = rtol ?? expectations.rtol
        let outputs = try pipeline.run(paths: expectations.images.map(expectations.resolve), progress: progress)
        let results = zip(expectations.images, outputs).map { want, got in
            Verification.check(image: want.path, got: got, want: want, atol: a, rtol: r)
        }
        return Verification(results: results, atol: a, rtol: r)
    }

    /// Compares two checkpoints' outputs on `images` (`verify A --against B`).
    public static func compare(_ a: ViTCheckpoint, against b: ViTCheckpoint, images: [String], imageSize: Int?,
                               atol: Double, rtol: Double, allowUnused: Bool = false,
                               compute: ComputePrecision = .f32, processor: ImageProcessorKind? = nil,
                               progress: ((Int, Int) -> Void)? = nil) throws -> Verification {
        // `compute` applies to `a`; `b` is the float32 reference.
        let pa = try ViTPipeline(checkpoint: a, imageSize: imageSize, allowUnused: allowUnused, compute: compute, processor: processor)
        let pb = try ViTPipeline(checkpoint: b, imageSize: imageSize, preprocessing: a.preprocessorConfig,
                                 preprocessingSource: a.preprocessorConfigOrigin, allowUnused: allowUnused,
                                 processor: pa.preprocessor.processor)
        // Progress counts both runs: `a`'s images, then `b`'s.
        let oa = try pa.run(paths: images, progress: progress.map { p in { p($0, 2 * $1) } })
        let ob = try pb.run(paths: images, progress: progress.map { p in { p($1 + $0, 2 * $1) } })
        let results = zip(images, zip(oa, ob)).map { path, pair in
            Verification.check(image: path, got: pair.0,
                               want: .init(path: path, logits: pair.1.logits, poolerOutput: pair.1.poolerOutput, cls: pair.1.cls),
                               atol: atol, rtol: rtol)
        }
        return Verification(results: results, atol: atol, rtol: rtol)
    }

    /// An expectations file from vitkit's own outputs (`verify --record`); image paths are
    /// stored relative to `outputPath`'s directory when possible. `preprocessing` records the
    /// processor (`processor`) and its full config (`processor_config`), which `run` replays.
    public static func record(_ checkpoint: ViTCheckpoint, images: [String], imageSize: Int?, outputPath: String,
                              atol: Double, rtol: Double, allowUnused: Bool = false,
                              compute: ComputePrecision = .f32, processor: ImageProcessorKind? = nil,
                              progress: ((Int, Int) -> Void)? = nil) throws -> Expectations {
        let pipeline = try ViTPipeline(checkpoint: checkpoint, imageSize: imageSize, allowUnused: allowUnused, compute: compute,
                                       processor: processor)
        let outputs = try pipeline.run(paths: images, progress: progress)
        // JSON has no NaN: such expectations could never be read back, nor ever pass.
        try pipeline.requireFinite(outputs, images: images)
        let base = FileSystem.realPath(FileSystem.directoryName(of: outputPath)) ?? FileSystem.directoryName(of: outputPath)
        let entries = zip(images, outputs).map { path, o in
            Expectations.Image(path: RelativePath.make(FileSystem.realPath(path) ?? path, from: base),
                               logits: o.logits, poolerOutput: o.poolerOutput, cls: o.cls)
        }
        let p = pipeline.preprocessor
        let preprocessing: JSON = .object([
            ("image_size", .int(pipeline.imageSize)), ("resample", .string(p.resample.name.lowercased())),
            ("rescale_factor", .double(p.rescaleFactor)),
            ("image_mean", .array(p.mean.map { JSON.float($0) })), ("image_std", .array(p.std.map { JSON.float($0) })),
            ("do_resize", .bool(p.doResize)), ("do_rescale", .bool(p.doRescale)), ("do_normalize", .bool(p.doNormalize)),
            ("processor", .string(p.processor.rawValue)), ("processor_config", p.preprocessorConfig),
        ])
        let provenance: JSON = .object([
            ("library", .string("vitkit")), ("version", .string(VitKitVersion.current)),
            ("model", .string(checkpoint.checkpoint.path)),
            ("scheme", .string(checkpoint.scheme.id.rawValue)),
        ] + (pipeline.forward.compute == .f32 ? [] : [("compute", .string(pipeline.forward.compute.rawValue))]))
        return Expectations(images: entries, imageSize: pipeline.imageSize, atol: atol, rtol: rtol,
                            preprocessing: preprocessing, provenance: provenance, baseDirectory: base)
    }
}

/// Relative paths between absolute paths.
enum RelativePath {
    static func make(_ target: String, from base: String) -> String {
        guard target.hasPrefix("/"), base.hasPrefix("/") else { return target }
        let t = target.split(separator: "/"), b = base.split(separator: "/")
        var common = 0
        while common < min(t.count, b.count), t[common] == b[common] { common += 1 }
        let ups = Array(repeating: "..", count: b.count - common)
        return (ups + t[common...].map(String.init)).joined(separator: "/")
    }
}
