import Tensors

/// Outputs of the forward pass for one image.
public struct ViTOutputs: Sendable {
    /// The final layer-normed CLS hidden state, `[hidden_size]` (`last_hidden_state[:, 0]`).
    public var cls: [Float]
    /// `tanh(dense(cls))` when the model has a pooler.
    public var poolerOutput: [Float]?
    /// Classifier logits when the model has a classifier.
    public var logits: [Float]?
}
