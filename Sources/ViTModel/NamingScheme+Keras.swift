/// keras-hub's `ViTBackbone` / `ViTImageClassifier` as Keras 3 saves them (`save_to_preset`:
/// `model.weights.h5` + `task.weights.h5`; names `layers/<attribute path>/vars/<k>`).
///
/// Paths come from Keras 3's `saving_lib`: a layer held in an attribute is named by the
/// attribute (`mha`, `layer_norm_1`, `query_dense`), a layer in a list by its class name in
/// snake case, numbered from the second on (`vi_t_encoder_block`, `vi_t_encoder_block_1`, ...);
/// a layer's own variables are `vars/0`, `vars/1` in creation order (kernel, bias; gamma,
/// beta). Layouts: conv HWIO, attention kernels `[D, H, hd]` / `[H, hd, D]` (EinsumDense, as
/// JAX), dense kernels `[in, out]`, position embedding `[N+1, D]` (keras-hub's
/// convert_vit.py takes `position_embeddings[0]`). See docs/SOURCES.md.
extension NamingScheme {
    public static let keras = NamingScheme(
        id: .keras,
        rules: kerasEmbeddingRules + kerasBlockRules(block: "vi_t_encoder_block/", index: "0")
            + kerasBlockRules(block: "vi_t_encoder_block_{i}/", index: "{i}") + [
            Rule("layers/vi_t_encoder/layer_norm/vars/0", CanonicalName.finalNormWeight),
            Rule("layers/vi_t_encoder/layer_norm/vars/1", CanonicalName.finalNormBias),
            // ViTImageClassifier's `output_dense` (layer name `predictions`), in task.weights.h5.
            Rule("layers/dense/vars/0", CanonicalName.classifierWeight, .transposed),
            Rule("layers/dense/vars/1", CanonicalName.classifierBias),
        ],
        defaultLayerNormEps: 1e-6
    )

    static let kerasEmbeddingRules: [Rule] = {
        let e = "layers/vi_t_patching_and_embedding/"
        return [
            Rule(e + "patch_embedding/vars/0", CanonicalName.patchWeight, .hwio),
            Rule(e + "patch_embedding/vars/1", CanonicalName.patchBias),
            Rule(e + "vars/0", CanonicalName.cls),
            Rule(e + "position_embedding/vars/0", CanonicalName.positions, .squeezedLeadingOne),
        ]
    }()

    /// One block's rules: block 0 is stored without a number (`index` "0", matched exactly,
    /// listed first so that it is what conversion writes), the others as `_{i}`.
    static func kerasBlockRules(block: String, index: String) -> [Rule] {
        let b = "layers/vi_t_encoder/encoder_layers/" + block
        let names: [(String, String, Layout)] = [
            ("layer_norm_1/vars/0", "ln1.weight", .same), ("layer_norm_1/vars/1", "ln1.bias", .same),
            ("mha/query_dense/vars/0", "q.weight", .jaxHeadsIn), ("mha/query_dense/vars/1", "q.bias", .jaxHeadsBias),
            ("mha/key_dense/vars/0", "k.weight", .jaxHeadsIn), ("mha/key_dense/vars/1", "k.bias", .jaxHeadsBias),
            ("mha/value_dense/vars/0", "v.weight", .jaxHeadsIn), ("mha/value_dense/vars/1", "v.bias", .jaxHeadsBias),
            ("mha/output_dense/vars/0", "o.weight", .jaxHeadsOut), ("mha/output_dense/vars/1", "o.bias", .same),
            ("layer_norm_2/vars/0", "ln2.weight", .same), ("layer_norm_2/vars/1", "ln2.bias", .same),
            ("mlp/dense_1/vars/0", "fc1.weight", .transposed), ("mlp/dense_1/vars/1", "fc1.bias", .same),
            ("mlp/dense_2/vars/0", "fc2.weight", .transposed), ("mlp/dense_2/vars/1", "fc2.bias", .same),
        ]
        return names.map { Rule(b + $0.0, "layers.\(index).\($0.1)", $0.2) }
    }
}
