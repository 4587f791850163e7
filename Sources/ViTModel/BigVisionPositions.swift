import Tensors

/// big_vision's `pool_type="tok"` ViT adds the position embedding *before* it prepends the
/// class token (big_vision/models/vit.py: `x + get_posemb(...)`, then `concatenate([cls, x])`),
/// so its `pos_embedding` is `[1, N, D]` with N = grid² and no class slot. vitkit's graph (as
/// transformers') adds `[1, N+1, D]` after prepending: the same model has a zero first row.
/// This view presents such a `pos_embedding` (beside a `cls`) as `[1, N+1, D]` with that zero
/// row prepended (a small copy); everything else passes through. `N+1`-row files (the form
/// big_vision's `fix_old_checkpoints` splits) are left alone: N+1 is never a square.
package struct BigVisionPositions: TensorSource {
    let base: any TensorSource
    package let tensors: [TensorInfo]
    /// The stored `pos_embedding` name that is widened.
    let name: String

    package var format: String { base.format }
    package var path: String { base.path }
    package var metadata: [(key: String, value: String)] { base.metadata }
    package var skipped: [(name: String, reason: String)] { base.skipped }
    package var files: [String] { base.files }

    /// `source` itself unless it holds a `[1, N, D]` `pos_embedding` (N a square) and a `cls`
    /// under the same prefix (``, `params/`, `opt/target/`).
    static func adapting(_ source: any TensorSource) -> any TensorSource {
        for prefix in ["", "params/", "opt/target/"] {
            guard let pos = source.tensors.first(where: { $0.name == prefix + "pos_embedding" }),
                  source.tensors.contains(where: { $0.name == prefix + "cls" }),
                  pos.shape.count == 3, pos.shape[0] == 1, isSquare(pos.shape[1]) else { continue }
            return BigVisionPositions(base: source, tensors: source.tensors.map {
                $0.name == pos.name ? TensorInfo(name: $0.name, dtype: $0.dtype, shape: [1, pos.shape[1] + 1, pos.shape[2]]) : $0
            }, name: pos.name)
        }
        return source
    }

    static func isSquare(_ n: Int) -> Bool {
        guard n > 0 else { return false }
        let r = Int(Double(n).squareRoot().rounded())
        return r * r == n
    }

    package func tensor(named name: String) throws(CheckpointError) -> Tensor {
        let t = try base.tensor(named: name)
        guard name == self.name else { return t }
        let row = t.shape[2] * t.dtype.byteSize
        let out = OwnedBuffer(count: t.data.count + row)  // zeroed: the class slot
        t.data.withUnsafeBytes { src in
            if src.count > 0 { out.bytes.baseAddress!.advanced(by: row).copyMemory(from: src.baseAddress!, byteCount: src.count) }
        }
        return Tensor(dtype: t.dtype, shape: [1, t.shape[1] + 1, t.shape[2]], data: .owned(out))
    }
}
