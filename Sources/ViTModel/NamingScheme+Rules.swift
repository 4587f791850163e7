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
        rules: [CanonicalName.patchWeight, CanonicalName.patchBias, CanonicalName.cls, CanonicalName.distillationToken,
                CanonicalName.registers, CanonicalName.positions, CanonicalName.maskToken,
                CanonicalName.finalNormWeight, CanonicalName.finalNormBias, CanonicalName.poolerWeight,
                CanonicalName.poolerBias, CanonicalName.classifierWeight, CanonicalName.classifierBias,
                CanonicalName.distillationClassifierWeight, CanonicalName.distillationClassifierBias]
            .map { Rule($0, $0) }
            + (CanonicalName.blockSuffixes + CanonicalName.layerScaleSuffixes).map { Rule("layers.{i}.\($0)", "layers.{i}.\($0)") },
        defaultLayerNormEps: 1e-12
    )

    /// transformers PyTorch: ViT, DeiT, DINOv2 and DINOv2 with registers (the model prefix,
    /// `vit.` `deit.` `dinov2.` `dinov2_with_registers.`, removed before matching). DINOv2's
    /// block names come first and are written for DINOv2 graphs; ViT's for the others.
    public static let hf = NamingScheme(
        id: .hf,
        rules: [
            Rule("embeddings.patch_embeddings.projection.weight", CanonicalName.patchWeight),
            Rule("embeddings.patch_embeddings.projection.bias", CanonicalName.patchBias),
            Rule("embeddings.cls_token", CanonicalName.cls),
            Rule("embeddings.distillation_token", CanonicalName.distillationToken),
            Rule("embeddings.register_tokens", CanonicalName.registers),
            Rule("embeddings.position_embeddings", CanonicalName.positions),
            Rule("embeddings.mask_token", CanonicalName.maskToken),
        ] + dinov2BlockRules() + blockRules(Dictionary(uniqueKeysWithValues: zip(CanonicalName.blockSuffixes, [
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
            Rule("cls_classifier.weight", CanonicalName.classifierWeight, when: .distillationHead),
            Rule("cls_classifier.bias", CanonicalName.classifierBias, when: .distillationHead),
            Rule("classifier.weight", CanonicalName.classifierWeight),
            Rule("classifier.bias", CanonicalName.classifierBias),
            Rule("distillation_classifier.weight", CanonicalName.distillationClassifierWeight),
            Rule("distillation_classifier.bias", CanonicalName.distillationClassifierBias),
        ],
        defaultLayerNormEps: 1e-12
    )

    /// transformers' `Dinov2Layer` names (LayerNorms `norm1`/`norm2`, `mlp.fc1`/`fc2` or the
    /// SwiGLU `mlp.weights_in`/`weights_out`, LayerScale `layer_scale{1,2}.lambda1`); the
    /// attention names are ViT's.
    static func dinov2BlockRules() -> [Rule] {
        let b = "encoder.layer.{i}."
        func r(_ name: String, _ suffix: String, _ when: Condition = .dinov2) -> Rule {
            Rule(b + name, "layers.{i}.\(suffix)", when: when)
        }
        return [
            r("norm1.weight", "ln1.weight"), r("norm1.bias", "ln1.bias"),
            r("layer_scale1.lambda1", "ls1"),
            r("norm2.weight", "ln2.weight"), r("norm2.bias", "ln2.bias"),
            r("mlp.weights_in.weight", "fc1.weight", .swiGLU), r("mlp.weights_in.bias", "fc1.bias", .swiGLU),
            r("mlp.weights_out.weight", "fc2.weight", .swiGLU), r("mlp.weights_out.bias", "fc2.bias", .swiGLU),
            r("mlp.fc1.weight", "fc1.weight"), r("mlp.fc1.bias", "fc1.bias"),
            r("mlp.fc2.weight", "fc2.weight"), r("mlp.fc2.bias", "fc2.bias"),
            r("layer_scale2.lambda1", "ls2"),
        ]
    }

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

    /// timm `VisionTransformer` state dict (fused qkv), with `VisionTransformerDistilled`'s
    /// `dist_token`/`head_dist`, registers (`reg_token`) and LayerScale (`ls1.gamma`).
    public static let timm = NamingScheme(
        id: .timm,
        rules: [
            Rule("patch_embed.proj.weight", CanonicalName.patchWeight),
            Rule("patch_embed.proj.bias", CanonicalName.patchBias),
            Rule("cls_token", CanonicalName.cls),
            Rule("dist_token", CanonicalName.distillationToken),
            Rule("reg_token", CanonicalName.registers),
            Rule("pos_embed", CanonicalName.positions),
            Rule("blocks.{i}.norm1.weight", "layers.{i}.ln1.weight"),
            Rule("blocks.{i}.norm1.bias", "layers.{i}.ln1.bias"),
            Rule(["blocks.{i}.attn.qkv.weight"], ["layers.{i}.q.weight", "layers.{i}.k.weight", "layers.{i}.v.weight"], .fusedRows),
            Rule(["blocks.{i}.attn.qkv.bias"], ["layers.{i}.q.bias", "layers.{i}.k.bias", "layers.{i}.v.bias"], .fusedRows),
            Rule("blocks.{i}.attn.proj.weight", "layers.{i}.o.weight"),
            Rule("blocks.{i}.attn.proj.bias", "layers.{i}.o.bias"),
            Rule("blocks.{i}.ls1.gamma", "layers.{i}.ls1"),
            Rule("blocks.{i}.norm2.weight", "layers.{i}.ln2.weight"),
            Rule("blocks.{i}.norm2.bias", "layers.{i}.ln2.bias"),
            Rule("blocks.{i}.mlp.fc1.weight", "layers.{i}.fc1.weight"),
            Rule("blocks.{i}.mlp.fc1.bias", "layers.{i}.fc1.bias"),
            Rule("blocks.{i}.mlp.fc2.weight", "layers.{i}.fc2.weight"),
            Rule("blocks.{i}.mlp.fc2.bias", "layers.{i}.fc2.bias"),
            Rule("blocks.{i}.ls2.gamma", "layers.{i}.ls2"),
            Rule("norm.weight", CanonicalName.finalNormWeight),
            Rule("norm.bias", CanonicalName.finalNormBias),
            Rule("pre_logits.fc.weight", CanonicalName.poolerWeight),
            Rule("pre_logits.fc.bias", CanonicalName.poolerBias),
            Rule("head.weight", CanonicalName.classifierWeight),
            Rule("head.bias", CanonicalName.classifierBias),
            Rule("head_dist.weight", CanonicalName.distillationClassifierWeight),
            Rule("head_dist.bias", CanonicalName.distillationClassifierBias),
        ],
        defaultLayerNormEps: 1e-6
    )
}
