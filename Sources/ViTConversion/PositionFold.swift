import ViTModel
import Tensors

/// Moves the class (and distillation) position embedding between the position table and the
/// token itself, for targets that store the other convention: timm's DINOv2 with registers
/// is `no_embed_class` (transformers' `_convert_dinov2` adds `pos[:, 0]` to `cls_token` and
/// drops it from `pos_embed`); transformers always has the row.
///
/// Unfolding (timm to transformers) inserts zero rows, so timm -> hf -> timm is bit-exact;
/// folding adds in float32 (transformers -> timm -> transformers gives the same outputs, with
/// the sum in the token and zeros in the table).
enum PositionFold: Sendable, Equatable {
    /// `token += pos[k]` for the positioned prefix tokens; the table keeps the patch rows.
    case fold
    /// The table gains zero rows for the prefix tokens; the tokens are unchanged.
    case unfold

    /// The class-position convention `target` stores for `config` (timm keeps the source's
    /// unless registers need `no_embed_class`; native keeps it; the others need the row).
    static func classPosition(_ config: ViTConfig, in target: NamingScheme.ID) -> Bool {
        switch target {
        case .native: config.classPosition
        case .timm: config.classPosition && config.registerTokens == 0
        case .hf, .tf, .jax, .keras: true
        }
    }

    /// The change from `source` to `target`'s convention, if any.
    static func between(_ source: ViTConfig, _ target: ViTConfig) -> PositionFold? {
        if source.classPosition == target.classPosition { return nil }
        return source.classPosition ? .fold : .unfold
    }

    /// Rows of the table that belong to prefix tokens (class, distillation).
    static func prefixRows(_ config: ViTConfig) -> Int { 1 + (config.distillationToken ? 1 : 0) }

    /// The position table in the target convention (`positions` `[1, rows, d]`, canonical).
    func positions(_ positions: Tensor, config: ViTConfig) throws -> Tensor {
        let d = config.hiddenSize, k = Self.prefixRows(config)
        var values = try positions.floats()
        let rows = positions.shape[1]
        switch self {
        case .fold: values.removeFirst(k * d)
        case .unfold: values.insert(contentsOf: [Float](repeating: 0, count: k * d), at: 0)
        }
        return try Tensor(floats: values, shape: [1, self == .fold ? rows - k : rows + k, d]).converted(to: positions.dtype)
    }

    /// A prefix token (`index` 0: class, 1: distillation) in the target convention.
    func token(_ token: Tensor, index: Int, positions: Tensor, config: ViTConfig) throws -> Tensor {
        guard self == .fold else { return token }
        let d = config.hiddenSize
        var values = try token.floats()
        var row = [Float](repeating: 0, count: d)
        try row.withUnsafeMutableBufferPointer { try positions.convert(elements: index * d..<(index + 1) * d, into: $0) }
        for j in 0..<d { values[j] += row[j] }
        return try Tensor(floats: values, shape: token.shape).converted(to: token.dtype)
    }
}
