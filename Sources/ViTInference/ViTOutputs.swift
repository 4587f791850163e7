import ViTModel
import Tensors

/// Outputs of the forward pass for one image.
public struct ViTOutputs: Sendable {
    /// The final layer-normed CLS hidden state, `[hidden_size]` (`last_hidden_state[:, 0]`).
    public var cls: [Float]
    /// `tanh(dense(cls))` when the model has a pooler; for DINOv2 (as transformers' `Dinov2Model`)
    /// the layer-normed class token, `cls`.
    public var poolerOutput: [Float]?
    /// Classifier logits when the model has a classifier.
    public var logits: [Float]?
}

extension ViTOutputs {
    /// The outputs holding NaN or infinity, by their JSON names (`logits`, `pooler_output`,
    /// `cls`); empty when every value is finite.
    public var nonFiniteOutputs: [String] {
        [("logits", logits), ("pooler_output", poolerOutput), ("cls", cls)].compactMap { name, values in
            values.map { $0.allSatisfy(\.isFinite) } == false ? name : nil
        }
    }
}
