/// The rule tables of the five schemes (DESIGN.md §2).
extension NamingScheme {
    static func blockRules(_ names: [String: [String]], layouts: [String: Layout] = [:]) -> [Rule] {
        CanonicalName.blockSuffixes.compactMap { suffix in
            guard let external = names[suffix] else { return nil }
            return Rule(external, ["layers.{i}.\(suffix)"], layouts[suffix] ?? .same)
        }
    }

    /// vitkit's own names: canonical names, canonical layouts.
    public static let native = NamingScheme(
        id: .native,
        rules: [CanonicalName.patchWeight, CanonicalName.patchBias, CanonicalName.cls, CanonicalName.positions,
                CanonicalName.finalNormWeight, CanonicalName.finalNormBias, CanonicalName.poolerWeight,
                CanonicalName.poolerBias, CanonicalName.classifierWeight, CanonicalName.classifierBias]
            .map { Rule($0, $0) }
            + CanonicalName.blockSuffixes.map { Rule("layers.{i}.\($0)", "layers.{i}.\($0)") },
        defaultLayerNormEps: 1e-12
    )

    /// transformers PyTorch (`vit.` prefix removed before matching).
    public static let hf = NamingScheme(
        id: .hf,
        rules: [
            Rule("embeddings.patch_embeddings.projection.weight", CanonicalName.patchWeight),
            Rule("embeddings.patch_embeddings.projection.bias", CanonicalName.patchBias),
            Rule("embeddings.cls_token", CanonicalName.cls),
            Rule("embeddings.position_embeddings", CanonicalName.positions),
        ] + blockRules(Dictionary(uniqueKeysWithValues: zip(CanonicalName.blockSuffixes, [
            "layernorm_before.weight", "layernorm_before.bias",
            "attention.attention.query.weight", "attention.attention.query.bias",
            "attention.attention.key.weight", "attention.attention.key.bias",
            "attention.attention.value.weight", "attention.attention.value.bias",
            "attention.output.dense.weight", "attention.output.dense.bias",
            "layernorm_after.weight", "layernorm_after.bias",
            "intermediate.dense.weight", "intermediate.dense.bias",
            "output.dense.weight", "output.dense.bias",
        ].map { ["encoder.layer.{i}." + $0] }))) + [
            Rule("layernorm.weight", CanonicalName.finalNormWeight),
            Rule("layernorm.bias", CanonicalName.finalNormBias),
            Rule("pooler.dense.weight", CanonicalName.poolerWeight),
            Rule("pooler.dense.bias", CanonicalName.poolerBias),
            Rule("classifier.weight", CanonicalName.classifierWeight),
            Rule("classifier.bias", CanonicalName.classifierBias),
        ],
        defaultLayerNormEps: 1e-12
    )

    /// transformers TensorFlow h5 (model-name component and `:0` removed before matching).
    public static let tf = NamingScheme(
        id: .tf,
        rules: [
            Rule("vit/embeddings/patch_embeddings/projection/kernel", CanonicalName.patchWeight, .hwio),
            Rule("vit/embeddings/patch_embeddings/projection/bias", CanonicalName.patchBias),
            Rule("vit/embeddings/cls_token", CanonicalName.cls),
            Rule("vit/embeddings/position_embeddings", CanonicalName.positions),
        ] + blockRules(Dictionary(uniqueKeysWithValues: zip(CanonicalName.blockSuffixes, [
            "layernorm_before/gamma", "layernorm_before/beta",
            "attention/attention/query/kernel", "attention/attention/query/bias",
            "attention/attention/key/kernel", "attention/attention/key/bias",
            "attention/attention/value/kernel", "attention/attention/value/bias",
            "attention/output/dense/kernel", "attention/output/dense/bias",
            "layernorm_after/gamma", "layernorm_after/beta",
            "intermediate/dense/kernel", "intermediate/dense/bias",
            "output/dense/kernel", "output/dense/bias",
        ].map { ["vit/encoder/layer_._{i}/" + $0] })), layouts: denseKernelLayouts(.transposed)) + [
            Rule("vit/layernorm/gamma", CanonicalName.finalNormWeight),
            Rule("vit/layernorm/beta", CanonicalName.finalNormBias),
            Rule("vit/pooler/dense/kernel", CanonicalName.poolerWeight, .transposed),
            Rule("vit/pooler/dense/bias", CanonicalName.poolerBias),
            Rule("classifier/kernel", CanonicalName.classifierWeight, .transposed),
            Rule("classifier/bias", CanonicalName.classifierBias),
        ],
        defaultLayerNormEps: 1e-12
    )

    static func denseKernelLayouts(_ layout: Layout) -> [String: Layout] {
        Dictionary(uniqueKeysWithValues: ["q.weight", "k.weight", "v.weight", "o.weight", "fc1.weight", "fc2.weight"].map { ($0, layout) })
    }

    /// Google's original JAX/Flax npz (`opt/target/` and `params/` prefixes removed), with
    /// big_vision's block names accepted as variants.
    public static let jax = NamingScheme(
        id: .jax,
        rules: [
            Rule("embedding/kernel", CanonicalName.patchWeight, .hwio),
            Rule("embedding/bias", CanonicalName.patchBias),
            Rule("cls", CanonicalName.cls),
            Rule(["Transformer/posembed_input/pos_embedding", "pos_embedding"], [CanonicalName.positions]),
        ] + jaxBlockRules() + [
            Rule("Transformer/encoder_norm/scale", CanonicalName.finalNormWeight),
            Rule("Transformer/encoder_norm/bias", CanonicalName.finalNormBias),
            Rule("pre_logits/kernel", CanonicalName.poolerWeight, .transposed),
            Rule("pre_logits/bias", CanonicalName.poolerBias),
            Rule("head/kernel", CanonicalName.classifierWeight, .transposed),
            Rule("head/bias", CanonicalName.classifierBias),
        ],
        defaultLayerNormEps: 1e-6
    )

    static func jaxBlockRules() -> [Rule] {
        let b = "Transformer/encoderblock_{i}/"
        func r(_ original: String, _ bigVision: String, _ suffix: String, _ layout: Layout = .same) -> Rule {
            Rule([b + original, b + bigVision], ["layers.{i}.\(suffix)"], layout)
        }
        let attn = "MultiHeadDotProductAttention_1/", attnBV = "MultiHeadDotProductAttention_0/"
        return [
            r("LayerNorm_0/scale", "LayerNorm_0/scale", "ln1.weight"),
            r("LayerNorm_0/bias", "LayerNorm_0/bias", "ln1.bias"),
            r(attn + "query/kernel", attnBV + "query/kernel", "q.weight", .jaxHeadsIn),
            r(attn + "query/bias", attnBV + "query/bias", "q.bias", .jaxHeadsBias),
            r(attn + "key/kernel", attnBV + "key/kernel", "k.weight", .jaxHeadsIn),
            r(attn + "key/bias", attnBV + "key/bias", "k.bias", .jaxHeadsBias),
            r(attn + "value/kernel", attnBV + "value/kernel", "v.weight", .jaxHeadsIn),
            r(attn + "value/bias", attnBV + "value/bias", "v.bias", .jaxHeadsBias),
            r(attn + "out/kernel", attnBV + "out/kernel", "o.weight", .jaxHeadsOut),
            r(attn + "out/bias", attnBV + "out/bias", "o.bias"),
            r("LayerNorm_2/scale", "LayerNorm_1/scale", "ln2.weight"),
            r("LayerNorm_2/bias", "LayerNorm_1/bias", "ln2.bias"),
            r("MlpBlock_3/Dense_0/kernel", "MlpBlock_0/Dense_0/kernel", "fc1.weight", .transposed),
            r("MlpBlock_3/Dense_0/bias", "MlpBlock_0/Dense_0/bias", "fc1.bias"),
            r("MlpBlock_3/Dense_1/kernel", "MlpBlock_0/Dense_1/kernel", "fc2.weight", .transposed),
            r("MlpBlock_3/Dense_1/bias", "MlpBlock_0/Dense_1/bias", "fc2.bias"),
        ]
    }

    /// timm `VisionTransformer` state dict (fused qkv).
    public static let timm = NamingScheme(
        id: .timm,
        rules: [
            Rule("patch_embed.proj.weight", CanonicalName.patchWeight),
            Rule("patch_embed.proj.bias", CanonicalName.patchBias),
            Rule("cls_token", CanonicalName.cls),
            Rule("pos_embed", CanonicalName.positions),
            Rule("blocks.{i}.norm1.weight", "layers.{i}.ln1.weight"),
            Rule("blocks.{i}.norm1.bias", "layers.{i}.ln1.bias"),
            Rule(["blocks.{i}.attn.qkv.weight"], ["layers.{i}.q.weight", "layers.{i}.k.weight", "layers.{i}.v.weight"], .fusedRows),
            Rule(["blocks.{i}.attn.qkv.bias"], ["layers.{i}.q.bias", "layers.{i}.k.bias", "layers.{i}.v.bias"], .fusedRows),
            Rule("blocks.{i}.attn.proj.weight", "layers.{i}.o.weight"),
            Rule("blocks.{i}.attn.proj.bias", "layers.{i}.o.bias"),
            Rule("blocks.{i}.norm2.weight", "layers.{i}.ln2.weight"),
            Rule("blocks.{i}.norm2.bias", "layers.{i}.ln2.bias"),
            Rule("blocks.{i}.mlp.fc1.weight", "layers.{i}.fc1.weight"),
            Rule("blocks.{i}.mlp.fc1.bias", "layers.{i}.fc1.bias"),
            Rule("blocks.{i}.mlp.fc2.weight", "layers.{i}.fc2.weight"),
            Rule("blocks.{i}.mlp.fc2.bias", "layers.{i}.fc2.bias"),
            Rule("norm.weight", CanonicalName.finalNormWeight),
            Rule("norm.bias", CanonicalName.finalNormBias),
            Rule("pre_logits.fc.weight", CanonicalName.poolerWeight),
            Rule("pre_logits.fc.bias", CanonicalName.poolerBias),
            Rule("head.weight", CanonicalName.classifierWeight),
            Rule("head.bias", CanonicalName.classifierBias),
        ],
        defaultLayerNormEps: 1e-6
    )
}
