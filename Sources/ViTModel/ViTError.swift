import Tensors

/// Errors of the ViT library: configuration, mapping, conversion and runtime problems.
/// Container problems stay `CheckpointError`.
///
/// Cases carry what a caller needs to act (the file, the tensors, the sizes); `description`
/// is one sentence (a mapping report adds one line per problem). No message names a
/// command-line flag: the CLI adds those hints.
public enum ViTError: Error, Sendable, CustomStringConvertible {
    /// A config value the graph needs is missing, of the wrong type or out of range; the
    /// reason names the config file when there is one.
    case invalidConfig(String)
    /// The checkpoint does not map onto the graph: every problem, in report order.
    case mapping(file: String, scheme: NamingScheme.ID?, problems: [MappingProblem])
    /// No naming scheme recognises any of the checkpoint's `tensorCount` tensors.
    case unknownScheme(file: String, tensorCount: Int)
    /// The target ecosystem cannot represent this checkpoint as asked.
    case conversionRefused(file: String, reason: ConversionRefusal)
    /// The model cannot run at `size` pixels: not a positive multiple of `patchSize`, or
    /// over `maximum`.
    case invalidImageSize(size: Int, patchSize: Int, maximum: Int)
    /// Inputs that do not fit the model or each other (pixel shapes, output names).
    case input(String)
    /// The checkpoint's graph is larger than `ViTLimits` allows: `found` parameters or labels
    /// against `limit`, as given by `origin` (the config file, or the tensor shapes).
    case limitExceeded(file: String, kind: ViTLimits.Kind, found: Int, limit: Int, origin: String)
    /// The model produced NaN or infinity for `image` in `outputs` (`logits`, `cls`...);
    /// `weight` is the first graph parameter holding NaN or infinity, if any.
    case nonFiniteOutput(file: String, image: String, outputs: [String], weight: String?)
    /// The checkpoint holds a part of a ViT that vitkit does not implement yet (`feature`,
    /// e.g. big_vision's MAP head), stored in `tensors` (empty when a config asks for it).
    case notSupportedYet(file: String, feature: String, tensors: [String])
    /// The matrix library (oneDNN) refused or failed a call: `call` names it, `reason` says why.
    case computeBackend(call: String, reason: String)

    /// At most this many problems of a mapping report are listed in `description` (a block
    /// index of 9999 in a small file would otherwise print ~160,000 lines); `problems` has all.
    package static let listedProblems = 100

    /// One sentence for a person (a mapping report adds one line per problem, up to
    /// `listedProblems`).
    public var description: String {
        switch self {
        case .limitExceeded(let f, let kind, let found, let limit, let origin):
            "\(f): \(found == .max ? "a 64-bit-overflowing number of" : "\(found)") \(kind == .labels ? "classifier labels" : "graph parameters")"
                + " (\(origin.hasPrefix("inferred") ? origin : "from \(origin)")), over the limit of \(limit); refused before reading any weights"
        case .invalidConfig(let s): "invalid ViT config: \(s)"
        case .mapping(let f, let scheme, let problems):
            "\(f)\(scheme.map { " (scheme \($0.rawValue))" } ?? "") does not map onto the ViT graph:\n"
                + problems.prefix(Self.listedProblems).map { "  \($0)" }.joined(separator: "\n")
                + (problems.count > Self.listedProblems ? "\n  ... and \(problems.count - Self.listedProblems) more problems" : "")
        case .unknownScheme(let f, let n):
            "\(f): no naming scheme (hf, tf, jax, timm, native, keras) recognises any of its \(n) tensors"
        case .conversionRefused(let f, let reason): "\(f): \(reason)"
        case .invalidImageSize(let size, let patch, let maximum):
            size > 0 && size % patch == 0
                ? "image size \(size) is too large: at most \(maximum) px for patch size \(patch) (attention memory grows with the fourth power of the grid)"
                : "image size \(size) must be a positive multiple of the patch size \(patch)"
        case .input(let s): s
        case .notSupportedYet(let f, let feature, let tensors):
            "\(f): \(feature) is not supported yet" + (tensors.isEmpty ? "" : " (\(tensors.count) tensors: "
                + tensors.prefix(6).joined(separator: ", ") + (tensors.count > 6 ? ", ..." : "") + ")")
        case .computeBackend(let call, let reason): "oneDNN: \(call) failed (\(reason))"
        case .nonFiniteOutput(let f, let image, let outputs, let weight):
            "\(f): outputs for \(image) are not finite (NaN or infinity in \(outputs.joined(separator: ", "))); "
                + (weight.map { "the weight \($0) holds NaN or infinity" } ?? "every weight is finite, so the values overflowed inside the model")
        }
    }
}

/// One way a checkpoint fails to map onto the ViT graph.
public enum MappingProblem: Sendable, Equatable, CustomStringConvertible {
    /// No stored tensor provides graph parameter `parameter` (`expectedName` in the scheme).
    case missing(parameter: String, expectedName: String)
    /// Stored tensor `stored` has shape `found` where graph parameters `graph` need `expected`.
    case mismatched(stored: String, expected: [Int], found: [Int], graph: [String])
    /// Stored tensor `stored` is not part of the graph.
    case unused(stored: String)

    /// One sentence for a person (a mapping report adds one line per problem).
    public var description: String {
        switch self {
        case .missing(let p, let name): name == p ? "missing: graph parameter \(p)" : "missing: \(name) (graph \(p))"
        case .mismatched(let s, let e, let f, let g):
            "mismatched: \(s) has shape \(Shape.describe(f)), expected \(Shape.describe(e)) (graph \(g.joined(separator: ", ")))"
        case .unused(let s): "unused: \(s)"
        }
    }
}

/// Why a conversion was refused.
public enum ConversionRefusal: Sendable, Equatable, CustomStringConvertible {
    /// The checkpoint has a pooler (an in21k `ViTModel`); timm's `VisionTransformer` has none.
    case poolerInTimm
    /// The checkpoint has a pooler and a classifier; `ViTForImageClassification` has no pooler.
    case poolerWithClassifier
    /// HDF5 (tf_model.h5) has no bfloat16 type.
    case bfloat16InHDF5
    /// Tensors can only be stored as f32, f16 or bf16.
    case unsupportedDType(DType)
    /// A scanned (stacked-block) layout exists only for big_vision's npz (`jax`).
    case scannedOnlyForJax(NamingScheme.ID)
    /// The target's model class cannot hold this model (`reason` says what differs).
    case notRepresentable(NamingScheme.ID, String)

    /// One sentence for a person (a mapping report adds one line per problem).
    public var description: String {
        switch self {
        case .poolerInTimm: "has a pooler (in21k ViTModel), which timm's VisionTransformer does not have"
        case .poolerWithClassifier: "has both a pooler and a classifier; transformers' ViTForImageClassification has no pooler"
        case .bfloat16InHDF5: "HDF5 has no bfloat16 type: tf_model.h5 needs float32 or float16"
        case .unsupportedDType(let d): "cannot store tensors as \(d.rawValue): f32, f16 or bf16"
        case .notRepresentable(let target, let reason): "cannot be written as \(target.rawValue): it \(reason)"
        case .scannedOnlyForJax(let target): "a scanned (stacked-block) layout exists only for big_vision's npz (jax), not \(target.rawValue)"
        }
    }
}
