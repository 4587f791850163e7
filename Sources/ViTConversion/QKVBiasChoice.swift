import ViTModel

/// What a conversion does with the q/k/v biases of a transformers-TF file whose config says
/// `qkv_bias: false` (`ViTCheckpoint.qkvBiasFromTFWeights`).
public enum QKVBiasChoice: Sendable, Equatable, CustomStringConvertible {
    /// All exactly zero: left out, the written config keeps `qkv_bias: false`.
    case droppedZero
    /// All exactly zero and the target is `tf`: kept (transformers-TF always stores them),
    /// the written config keeps `qkv_bias: false`, as transformers-TF writes it.
    case keptZeroForTF
    /// Some nonzero: kept, and the written config says `qkv_bias: true`.
    case keptNonzero

    /// A sentence for the conversion report.
    public var description: String {
        switch self {
        case .droppedZero:
            "the TF file's q/k/v biases are all exactly zero: dropped, the config keeps qkv_bias false"
        case .keptZeroForTF:
            "the TF file's q/k/v biases are all exactly zero: kept in tf_model.h5 (TF always stores them), the config keeps qkv_bias false"
        case .keptNonzero:
            "the TF file's q/k/v biases are not all zero: kept, the written config says qkv_bias true"
        }
    }

    /// The choice for converting `source` to `target`, or nil when the source's config does
    /// not disagree with its weights.
    ///
    /// - Throws: as `ViTCheckpoint.floats(_:)` when a bias cannot be read.
    static func choose(_ source: ViTCheckpoint, target: NamingScheme.ID) throws -> QKVBiasChoice? {
        guard source.qkvBiasFromTFWeights else { return nil }
        for i in 0..<source.config.numHiddenLayers {
            for suffix in ["q.bias", "k.bias", "v.bias"] where try source.floats(CanonicalName.block(i, suffix)).contains(where: { $0 != 0 }) {
                return .keptNonzero
            }
        }
        return target == .tf ? .keptZeroForTF : .droppedZero
    }
}
