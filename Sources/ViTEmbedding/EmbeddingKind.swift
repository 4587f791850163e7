import ViTModel

/// Which vector of the model's output is an image's embedding.
public enum EmbeddingKind: String, Sendable, CaseIterable {
    /// The pooler output, `tanh(dense(cls))` (transformers' `pooler_output`); only for
    /// checkpoints with a pooler (in21k `ViTModel`s).
    case pooler
    /// The final layer-normed CLS state, `last_hidden_state[:, 0]` (DINOv2's `pooler_output`).
    case cls
    /// The mean over every token (CLS and patches; DeiT's distillation token too, DINOv2's
    /// registers not) of the final layer-normed `last_hidden_state`: for a ViT
    /// `last_hidden_state.mean(dim=1)`.
    case mean

    /// The default for a model: `.pooler` when it has a pooler, else `.cls`.
    public static func defaultKind(for config: ViTConfig) -> EmbeddingKind {
        config.hasPooler ? .pooler : .cls
    }

    /// What the kind is, for a person: "tanh(dense(cls))", "the final layer-normed CLS state",
    /// "the mean of every token's final layer-normed state".
    public var summary: String {
        switch self {
        case .pooler: "tanh(dense(cls))"
        case .cls: "the final layer-normed CLS state"
        case .mean: "the mean of every token's final layer-normed state"
        }
    }
}
