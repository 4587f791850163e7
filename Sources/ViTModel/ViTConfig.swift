import Tensors

/// The hyper-parameters of a ViT, named after transformers' `ViTConfig` fields.
public struct ViTConfig: Sendable, Equatable {
    /// The GELU variant in the MLP.
    public enum Activation: String, Sendable, Equatable {
        /// `hidden_act: "gelu"`: the exact erf form.
        case gelu
        /// `gelu_new` / `gelu_pytorch_tanh` / `gelu_fast`: the tanh approximation.
        case geluTanh = "gelu_pytorch_tanh"
    }

    /// Width of the token embeddings (768 for ViT-B).
    public var hiddenSize: Int
    /// Number of transformer blocks.
    public var numHiddenLayers: Int
    /// Attention heads per block; `hiddenSize` must be a multiple.
    public var numAttentionHeads: Int
    /// Width of the MLP's hidden layer (3072 for ViT-B).
    public var intermediateSize: Int
    /// The square input size in pixels the position embeddings were trained for.
    public var imageSize: Int
    /// Side of the square patches in pixels.
    public var patchSize: Int
    /// Input channels (3).
    public var numChannels: Int
    /// Whether the query, key and value projections have biases.
    public var qkvBias: Bool
    /// LayerNorm epsilon (transformers configs: 1e-12; timm, Flax, Keras: 1e-6).
    public var layerNormEps: Double
    /// The MLP activation.
    public var hiddenAct: Activation
    /// The in21k `ViTModel` pooler (`tanh(dense(cls))`) is present.
    public var hasPooler: Bool
    /// Classifier labels by class index; empty when the model has no classifier.
    public var labels: [String]
    /// True when the head count was not known and `hiddenSize / 64` was assumed.
    public var headsAssumed: Bool
    /// DeiT: a distillation token after the class token, with its own position embedding.
    public var distillationToken = false
    /// DeiT with teacher: a second classifier on the distillation token; logits are the mean
    /// of the two heads (transformers `DeiTForImageClassificationWithTeacher`).
    public var distillationHead = false
    /// DINOv2 with registers: learned tokens after the class (and distillation) token, without
    /// position embeddings, dropped from the outputs.
    public var registerTokens = 0
    /// DINOv2: a learned per-channel scale (`lambda1`, timm `gamma`) on each block's attention
    /// and MLP outputs before the residual add.
    public var layerScale = false
    /// The MLP of each block.
    public var mlp = MLPKind.gelu
    /// Whether the position table has rows for the class (and distillation) token. False is
    /// timm's `no_embed_class` (its DINOv2 models with registers): patch rows only.
    public var classPosition = true
    /// How position embeddings are resized for other input sizes.
    public var positionInterpolation = PositionInterpolation.bicubic
    /// What the classifier reads.
    public var classifierInput = ClassifierInput.cls
    /// DINOv2's `mask_token` `[1, hidden]` (used in pre-training only; carried by conversion).
    public var maskToken = false

    /// A configuration; the defaults are google/vit-base-patch16-224-in21k's.
    public init(
        hiddenSize: Int = 768, numHiddenLayers: Int = 12, numAttentionHeads: Int = 12,
        intermediateSize: Int = 3072, imageSize: Int = 224, patchSize: Int = 16, numChannels: Int = 3,
        qkvBias: Bool = true, layerNormEps: Double = 1e-12, hiddenAct: Activation = .gelu,
        hasPooler: Bool = true, labels: [String] = [], headsAssumed: Bool = false
    ) {
        self.hiddenSize = hiddenSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.intermediateSize = intermediateSize
        self.imageSize = imageSize
        self.patchSize = patchSize
        self.numChannels = numChannels
        self.qkvBias = qkvBias
        self.layerNormEps = layerNormEps
        self.hiddenAct = hiddenAct
        self.hasPooler = hasPooler
        self.labels = labels
        self.headsAssumed = headsAssumed
    }

    /// Number of classifier outputs (0 without a classifier).
    public var numLabels: Int { labels.count }
    /// Whether the graph ends in a classifier (it has labels).
    public var hasClassifier: Bool { !labels.isEmpty }
    /// Features per attention head: `hiddenSize / numAttentionHeads`.
    public var headDim: Int { hiddenSize / max(numAttentionHeads, 1) }
    /// Patches per side at `imageSize`.
    public var gridSize: Int { imageSize / max(patchSize, 1) }
    /// Rows of the position table at `imageSize`: the patches plus `positionedPrefix`.
    public var sequenceLength: Int { gridSize * gridSize + positionedPrefix }

    /// Checks the relations between fields (divisibility, positivity).
    ///
    /// - Throws: `ViTError.invalidConfig` naming the first inconsistent value.
    public func validate() throws(ViTError) {
        func bad(_ s: String) -> ViTError { .invalidConfig(s) }
        for (name, v) in [("hidden_size", hiddenSize), ("num_hidden_layers", numHiddenLayers),
                          ("num_attention_heads", numAttentionHeads), ("intermediate_size", intermediateSize),
                          ("image_size", imageSize), ("patch_size", patchSize), ("num_channels", numChannels)] where v <= 0 {
            throw bad("\(name) must be positive, found \(v)")
        }
        guard layerNormEps.isFinite, layerNormEps >= 0 else { throw bad("layer_norm_eps must be a finite number >= 0, found \(layerNormEps)") }
        guard numHiddenLayers <= 10_000 else { throw bad("num_hidden_layers \(numHiddenLayers) is beyond the supported 10000") }
        guard hiddenSize % numAttentionHeads == 0 else {
            throw bad("hidden_size \(hiddenSize) is not divisible by num_attention_heads \(numAttentionHeads)")
        }
        guard (0...1024).contains(registerTokens) else { throw bad("num_register_tokens must be in 0...1024, found \(registerTokens)") }
        guard !distillationHead || distillationToken else { throw bad("a distillation head needs the distillation token") }
        guard imageSize % patchSize == 0 else {
            throw bad("image_size \(imageSize) is not a multiple of patch_size \(patchSize)")
        }
        // `sequenceLength` must be countable: a grid of 2^58 patches per side squares past Int.
        guard case (let patches, false) = gridSize.multipliedReportingOverflow(by: gridSize),
              !patches.addingReportingOverflow(positionedPrefix).overflow else {
            throw bad("image_size \(imageSize) / patch_size \(patchSize) gives \(gridSize) x \(gridSize) patches, more than a 64-bit count")
        }
    }
}
