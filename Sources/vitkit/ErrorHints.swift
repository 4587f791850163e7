import VitKit

/// The library's errors name no flags; the CLI adds the flag that changes the outcome.
struct HintedError: Error, CustomStringConvertible {
    let description: String

    /// `error` with the flag hint that applies to it, or nil when none does.
    init?(_ error: any Error) {
        guard let hint = Self.hint(for: error) else { return nil }
        description = "\(error)\(hint)"
    }

    static func hint(for error: any Error) -> String? {
        switch error {
        case ViTError.limitExceeded(_, let kind, _, _, _):
            return " (pass \(kind == .labels ? "--max-labels" : "--max-parameters") N to allow more)"
        case ViTError.mapping(_, _, let problems) where problems.contains(where: { if case .unused = $0 { true } else { false } }):
            return "\n(pass --allow-unused to leave the unused tensors out)"
        case ViTError.conversionRefused(_, let reason):
            switch reason {
            case .poolerInTimm: return ": pass --drop-pooler to write the backbone without it"
            case .poolerWithClassifier: return ": pass --drop-pooler"
            case .bfloat16InHDF5: return ": convert to tf with --dtype f32 or f16"
            case .unsupportedDType: return " (--dtype)"
            case .scannedOnlyForJax: return " (--scanned goes with --to jax)"
            case .notRepresentable(_, let reason): return reason.hasPrefix("has a pooler") ? ": pass --drop-pooler to write the backbone without it" : nil
            }
        case ViTError.invalidImageSize: return " (--image-size)"
        case ImageError.invalidConfig(_, let reason)
            where reason.hasPrefix("the processor's output is") && reason.contains("(config image_size)"):
            return " (--image-size N)"
        case EmbeddingError.noPooler: return " (--output cls or --output mean)"
        case CheckpointError.destinationExists: return " (pass --force to replace it)"
        case CheckpointError.unsupportedDType(_, _, let dtype) where dtype.contains("raw 2-byte void"):
            return " (on the command line: --npy-v2-as-bf16)"
        default: return nil
        }
    }
}
