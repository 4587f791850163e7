/// A naming of the ViT graph used by one ecosystem: ordered rules from stored tensor names
/// to canonical graph parameters, with the layout transform each needs.
///
/// Rules are data; `{i}` in a pattern stands for the block index. The first external
/// pattern of a rule is the one written on conversion; the others are accepted variants.
public struct NamingScheme: Sendable {
    /// The schemes vitkit reads and writes: `hf` (transformers PyTorch), `tf` (transformers TF h5),
    /// `jax` (Google's npz), `timm`, `native` (vitkit's graph names), `keras` (keras-hub
    /// presets and Keras 3 `.weights.h5`).
    public enum ID: String, Sendable, CaseIterable {
        case hf, tf, jax, timm, native
        case keras
    }

    package struct Rule: Sendable {
        /// Accepted stored names (after prefix normalisation); the first is written.
        public var external: [String]
        /// Canonical names it holds (three for a fused qkv).
        public var canonical: [String]
        package var layout: Layout
        /// The graphs this rule writes for (it is read whatever the graph).
        package var when: Condition = .always
    }

    /// Which graphs a rule writes for: a parameter named differently by the model families
    /// of one ecosystem has one rule per name, the first whose condition holds is written.
    package enum Condition: Sendable, CaseIterable {
        case always
        /// DINOv2 and DINOv2 with registers (transformers `Dinov2Layer` names).
        case dinov2
        /// A SwiGLU MLP (`weights_in` / `weights_out`).
        case swiGLU
        /// DeiT with teacher (`cls_classifier`).
        case distillationHead

        package func holds(for c: ViTConfig) -> Bool {
            switch self {
            case .always: true
            case .dinov2: c.family == .dinov2 || c.family == .dinov2WithRegisters
            case .swiGLU: c.mlp == .swiGLU
            case .distillationHead: c.distillationHead
            }
        }
    }

    /// Which scheme this is.
    public var id: ID
    package var rules: [Rule]
    /// Default LayerNorm epsilon when no config says otherwise.
    public var defaultLayerNormEps: Double

    /// Every scheme, in detection-preference order.
    public static let all: [NamingScheme] = [.native, .hf, .timm, .tf, .jax, .keras]

    /// The scheme for `id`, with its rule table.
    public static func named(_ id: ID) -> NamingScheme {
        all.first { $0.id == id }!
    }
}

extension NamingScheme.Rule {
    init(_ external: [String], _ canonical: [String], _ layout: Layout = .same) {
        self.external = external
        self.canonical = canonical
        self.layout = layout
    }

    init(_ external: String, _ canonical: String, _ layout: Layout = .same, when: NamingScheme.Condition = .always) {
        self.init([external], [canonical], layout)
        self.when = when
    }
}
