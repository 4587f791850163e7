/// The graph options of the ViT family beyond the plain ViT: DeiT's distillation token and
/// head, DINOv2's LayerScale, register tokens, SwiGLU MLP and classifier input.
extension ViTConfig {
    /// The MLP of each block.
    public enum MLPKind: String, Sendable, Equatable {
        /// `fc2(act(fc1(x)))`, `fc1` `[intermediate, hidden]` (ViT, DeiT, DINOv2).
        case gelu = "mlp"
        /// `fc2(silu(a) * b)` with `a, b` the halves of `fc1(x)`, `fc1` `[2 x intermediate, hidden]`
        /// (transformers `Dinov2SwiGLUFFN` `weights_in`/`weights_out`, timm `SwiGLUPacked`).
        case swiGLU = "swiglu"
    }

    /// How position embeddings are resized for another input size.
    public enum PositionInterpolation: String, Sendable, Equatable {
        /// PyTorch bicubic (A = -0.75), `align_corners=False` (ViT, DeiT, DINOv2).
        case bicubic
        /// PyTorch bicubic with `antialias=True` (A = -0.5, normalised taps; transformers'
        /// `Dinov2WithRegistersEmbeddings`).
        case bicubicAntialias = "bicubic_antialias"
    }

    /// What the classifier reads.
    public enum ClassifierInput: String, Sendable, Equatable {
        /// The final-normed class token (ViT, DeiT).
        case cls
        /// The class token concatenated with the mean of the patch tokens, `[2 x hidden]`
        /// (transformers `Dinov2ForImageClassification`).
        case clsAndPatchMean = "cls_and_patch_mean"
    }

    /// The transformers model family these options make (it names the HF classes and prefix).
    public enum Family: String, Sendable, Equatable, CaseIterable {
        /// `ViTModel`, `ViTForImageClassification`.
        case vit
        /// `DeiTModel`, `DeiTForImageClassification[WithTeacher]` (a distillation token).
        case deit
        /// `Dinov2Model`, `Dinov2ForImageClassification` (LayerScale).
        case dinov2
        /// `Dinov2WithRegistersModel`, `Dinov2WithRegistersForImageClassification` (registers).
        case dinov2WithRegisters = "dinov2_with_registers"

        /// The backbone's attribute in transformers' classifiers, with a dot (`vit.`).
        public var modelPrefix: String { rawValue + "." }

        /// Every family's prefix, longest first (so `dinov2_with_registers.` is tried before `dinov2.`).
        static let allPrefixes = allCases.map(\.modelPrefix).sorted { $0.count > $1.count }
    }

    /// The family: registers make DINOv2 with registers, LayerScale DINOv2, a distillation token DeiT.
    public var family: Family {
        if registerTokens > 0 { return .dinov2WithRegisters }
        if layerScale { return .dinov2 }
        if distillationToken { return .deit }
        return .vit
    }

    /// `config` with every family option at its plain-ViT value (equal to `config` for a ViT).
    static func plain(_ config: ViTConfig) -> ViTConfig {
        var c = config
        (c.distillationToken, c.distillationHead, c.registerTokens, c.layerScale) = (false, false, 0, false)
        (c.mlp, c.classPosition, c.positionInterpolation, c.classifierInput, c.maskToken) = (.gelu, true, .bicubic, .cls, false)
        return c
    }

    /// Tokens before the patches: class, distillation, registers.
    public var prefixTokens: Int { 1 + (distillationToken ? 1 : 0) + registerTokens }

    /// Rows of the position table before the patch rows: class and distillation tokens when
    /// `classPosition`, none otherwise (registers never have one).
    public var positionedPrefix: Int { classPosition ? 1 + (distillationToken ? 1 : 0) : 0 }

    /// Width of `fc1`'s output: `intermediateSize`, twice that for SwiGLU (saturating, so
    /// that an absurd config fails the parameter limit instead of overflowing).
    public var fc1Outputs: Int { mlp == .swiGLU ? Self.twice(intermediateSize) : intermediateSize }

    /// Width of the classifier's input (saturating as `fc1Outputs`).
    public var classifierInputs: Int { classifierInput == .clsAndPatchMean ? Self.twice(hiddenSize) : hiddenSize }

    static func twice(_ n: Int) -> Int {
        let (r, overflow) = n.multipliedReportingOverflow(by: 2)
        return overflow ? .max : r
    }

    /// The token layout as `inspect` shows it, e.g. `cls + dist + 4 registers + 256 patches`.
    public var tokenDescription: String {
        var parts = ["cls"]
        if distillationToken { parts.append("dist") }
        if registerTokens > 0 { parts.append("\(registerTokens) register\(registerTokens == 1 ? "" : "s")") }
        parts.append("\(gridSize * gridSize) patches")
        return parts.joined(separator: " + ")
    }

    /// The block layout as `inspect` shows it: MLP kind, LayerScale.
    public var blockDescription: String {
        (mlp == .swiGLU ? "SwiGLU MLP" : "MLP (\(hiddenAct == .gelu ? "gelu" : "gelu tanh"))")
            + (layerScale ? " + LayerScale" : "")
    }
}
