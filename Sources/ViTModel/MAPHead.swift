/// big_vision's multihead attention pooling head (`MAPHead` in big_vision/models/vit.py,
/// `pool_type="map"`): a learned probe attending over the encoder's output, then LayerNorm
/// and an MLP, instead of the class token. Its parameters live under `MAPHead_0/` (`probe`,
/// `MultiHeadDotProductAttention_0/{query,key,value,out}/{kernel,bias}`, `LayerNorm_0`,
/// `MlpBlock_0/Dense_{0,1}`). vitkit's graph pools with the class token only.
enum MAPHead {
    /// The component that marks a MAP head's tensors (after any `params/` prefix).
    static let component = "MAPHead_0/"

    /// Throws when `names` (the tensors no jax rule matched) hold a MAP head.
    ///
    /// - Throws: `ViTError.notSupportedYet` naming every `MAPHead_0/` tensor.
    static func refuse(_ names: [String], file: String) throws(ViTError) {
        let head = names.filter { $0.hasPrefix(component) || $0.contains("/" + component) }
        guard !head.isEmpty else { return }
        throw .notSupportedYet(file: file, feature: "big_vision's MAP head (attention pooling instead of the class token)", tensors: head)
    }
}
