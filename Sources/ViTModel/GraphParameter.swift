import Tensors

/// One parameter of the internal ViT graph, with the canonical name and layout the forward
/// pass uses (PyTorch layout: dense `[out, in]`, conv OIHW).
public struct GraphParameter: Sendable, Hashable {
    /// The part of the graph it belongs to, for the layer view.
    public enum Part: Sendable, Hashable, CustomStringConvertible {
        case embeddings, block(Int), finalNorm, pooler, classifier
        /// The part's name as `inspect` shows it.
        public var description: String {
            switch self {
            case .embeddings: "embeddings"
            case .block(let i): "block \(i)"
            case .finalNorm: "final layernorm"
            case .pooler: "pooler"
            case .classifier: "classifier"
            }
        }
    }

    /// The canonical name, e.g. `layers.0.attn.q.weight` (see `CanonicalName`).
    public var name: String
    /// The shape in canonical (PyTorch) layout: `[out, in]` for dense weights, OIHW for the patch conv.
    public var shape: [Int]
    /// Which part of the graph holds it.
    public var part: Part
}

/// The canonical parameter names (vitkit's native naming). `{i}` is the block index.
public enum CanonicalName {
    /// Patch embedding conv weight `[hidden, channels, patch, patch]` (OIHW).
    public static let patchWeight = "patch.weight"
    /// Patch embedding conv bias `[hidden]`.
    public static let patchBias = "patch.bias"
    /// The class token `[1, 1, hidden]`.
    public static let cls = "cls"
    /// Position embeddings `[1, patches + 1, hidden]`.
    public static let positions = "pos"
    /// Final LayerNorm scale `[hidden]`.
    public static let finalNormWeight = "ln.weight"
    /// Final LayerNorm shift `[hidden]`.
    public static let finalNormBias = "ln.bias"
    /// Pooler dense weight `[hidden, hidden]` (in21k `ViTModel` only).
    public static let poolerWeight = "pooler.weight"
    /// Pooler dense bias `[hidden]`.
    public static let poolerBias = "pooler.bias"
    /// Classifier weight `[labels, hidden]`.
    public static let classifierWeight = "classifier.weight"
    /// Classifier bias `[labels]`.
    public static let classifierBias = "classifier.bias"
    /// DeiT's distillation token `[1, 1, hidden]`.
    public static let distillationToken = "dist"
    /// DINOv2's register tokens `[1, registers, hidden]`.
    public static let registers = "registers"
    /// DINOv2's mask token `[1, hidden]` (pre-training only).
    public static let maskToken = "mask"
    /// DeiT's distillation classifier weight `[labels, hidden]`.
    public static let distillationClassifierWeight = "classifier_dist.weight"
    /// DeiT's distillation classifier bias `[labels]`.
    public static let distillationClassifierBias = "classifier_dist.bias"
    /// Per-block LayerScale suffixes `[hidden]`: after attention, after the MLP.
    public static let layerScaleSuffixes = ["ls1", "ls2"]
    /// Per-block parameter suffixes, in forward order.
    public static let blockSuffixes = [
        "ln1.weight", "ln1.bias", "q.weight", "q.bias", "k.weight", "k.bias", "v.weight", "v.bias",
        "o.weight", "o.bias", "ln2.weight", "ln2.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias",
    ]

    /// The canonical name of `suffix` (e.g. `attn.q.weight`) in block `i`: `layers.i.suffix`.
    public static func block(_ i: Int, _ suffix: String) -> String { "layers.\(i).\(suffix)" }
}

extension ViTConfig {
    /// Every parameter this configuration needs, in forward order, with its canonical shape.
    public var graphParameters: [GraphParameter] {
        let d = hiddenSize, m = intermediateSize, p = patchSize
        var out: [GraphParameter] = [
            .init(name: CanonicalName.patchWeight, shape: [d, numChannels, p, p], part: .embeddings),
            .init(name: CanonicalName.patchBias, shape: [d], part: .embeddings),
            .init(name: CanonicalName.cls, shape: [1, 1, d], part: .embeddings),
        ]
        if distillationToken { out.append(.init(name: CanonicalName.distillationToken, shape: [1, 1, d], part: .embeddings)) }
        if registerTokens > 0 { out.append(.init(name: CanonicalName.registers, shape: [1, registerTokens, d], part: .embeddings)) }
        out.append(.init(name: CanonicalName.positions, shape: [1, sequenceLength, d], part: .embeddings))
        if maskToken { out.append(.init(name: CanonicalName.maskToken, shape: [1, d], part: .embeddings)) }
        for i in 0..<numHiddenLayers {
            for suffix in CanonicalName.blockSuffixes {
                if !qkvBias, ["q.bias", "k.bias", "v.bias"].contains(suffix) { continue }
                let shape: [Int] = switch suffix {
                case "fc1.weight": [fc1Outputs, d]
                case "fc1.bias": [fc1Outputs]
                case "fc2.weight": [d, m]
                case _ where suffix.hasSuffix(".weight") && !suffix.hasPrefix("ln"): [d, d]
                default: [d]
                }
                out.append(.init(name: CanonicalName.block(i, suffix), shape: shape, part: .block(i)))
                if layerScale, suffix == "o.bias" || suffix == "fc2.bias" {
                    let scale = CanonicalName.layerScaleSuffixes[suffix == "o.bias" ? 0 : 1]
                    out.append(.init(name: CanonicalName.block(i, scale), shape: [d], part: .block(i)))
                }
            }
        }
        out.append(.init(name: CanonicalName.finalNormWeight, shape: [d], part: .finalNorm))
        out.append(.init(name: CanonicalName.finalNormBias, shape: [d], part: .finalNorm))
        if hasPooler {
            out.append(.init(name: CanonicalName.poolerWeight, shape: [d, d], part: .pooler))
            out.append(.init(name: CanonicalName.poolerBias, shape: [d], part: .pooler))
        }
        if hasClassifier {
            out.append(.init(name: CanonicalName.classifierWeight, shape: [numLabels, classifierInputs], part: .classifier))
            out.append(.init(name: CanonicalName.classifierBias, shape: [numLabels], part: .classifier))
            if distillationHead {
                out.append(.init(name: CanonicalName.distillationClassifierWeight, shape: [numLabels, d], part: .classifier))
                out.append(.init(name: CanonicalName.distillationClassifierBias, shape: [numLabels], part: .classifier))
            }
        }
        return out
    }
}
