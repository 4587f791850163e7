import ViTModel
import Checkpoints
import Tensors

/// The tensors of a big_vision scanned npz (`--to jax --scanned`): a jax plan in
/// big_vision's names whose per-block items are stacked along a new axis 0 under
/// `Transformer/encoderblock/...`, as `pyloop_to_scan` in big_vision/models/vit.py stacks
/// them (`np.stack` of blocks 0..L-1).
struct ScannedPlan {
    struct Entry {
        /// The stored name.
        var name: String
        /// The jax plan's items it is built from: one, or one per block (stacked).
        var items: [ConversionPlan.Item]
        var stacked: Bool
        var shape: [Int]
    }

    var entries: [Entry]

    /// The block rules' variant names: big_vision's (`MultiHeadDotProductAttention_0`,
    /// `LayerNorm_1`, `MlpBlock_0`, top-level `pos_embedding`), the last name of each jax rule.
    static func bigVisionName(_ rule: NamingScheme.Rule) -> String { rule.external[rule.external.count - 1] }

    /// Groups `plan` (a jax plan in big_vision's names): items of block `i` named
    /// `Transformer/encoderblock_<i>/REST` become one entry `Transformer/encoderblock/REST`.
    init(_ plan: ConversionPlan) {
        let prefix = "Transformer/encoderblock_"
        var entries: [Entry] = []
        var stackIndex: [String: Int] = [:]
        for item in plan.items {
            guard item.ruleName.hasPrefix(prefix), let slash = item.ruleName.dropFirst(prefix.count).firstIndex(of: "/") else {
                entries.append(Entry(name: item.name, items: [item], stacked: false, shape: item.shape))
                continue
            }
            let name = ScannedBlocks.stacked + item.ruleName[item.ruleName.index(after: slash)...]
            if let k = stackIndex[name] {
                entries[k].items.append(item)
                entries[k].shape[0] += 1
            } else {
                stackIndex[name] = entries.count
                entries.append(Entry(name: name, items: [item], stacked: true, shape: [1] + item.shape))
            }
        }
        self.entries = entries
    }
}

extension TensorStreamer {
    /// A big_vision scanned npz (stored members): the plan (in big_vision's names) with every
    /// block tensor stacked along axis 0; each stack is built from the blocks' tensors as
    /// they are produced.
    ///
    /// Positions whose class slot (row 0) is exactly zero are written as big_vision's own
    /// `pool_type="tok"` models store them, `[1, N, D]` without that row (`BigVisionPositions`
    /// reads them back); otherwise `[1, N+1, D]`, which big_vision's `fix_old_checkpoints`
    /// splits into the class token and the positions.
    func writeScannedNPZ(to path: String) throws {
        var scanned = ScannedPlan(plan)
        var positions: Tensor?
        if let k = scanned.entries.firstIndex(where: { $0.items[0].canonical == [CanonicalName.positions] }) {
            let pos = try tensor(scanned.entries[k].items[0])
            if let tail = try Self.withoutZeroFirstRow(pos) {
                positions = tail
                scanned.entries[k].shape = tail.shape
                bytesWritten -= pos.data.count - tail.data.count
            } else {
                positions = pos
            }
        }
        let byName = Dictionary(scanned.entries.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let entries = try scanned.entries.map { TensorInfo(name: $0.name, dtype: try outputDType($0.items[0]), shape: $0.shape) }
        try CheckpointWriter.write(to: path, format: .npz(compressed: false), entries: entries) { info in
            let entry = byName[info.name]!
            if entry.items[0].canonical == [CanonicalName.positions], let positions { return positions }
            guard entry.stacked else { return try self.tensor(entry.items[0]) }
            // Each block as [1, ...]: concatenating rows stacks them along the new axis 0.
            let blocks = try entry.items.map { item in
                let t = try self.tensor(item)
                return try Tensor(dtype: t.dtype, shape: [1] + t.shape, validating: t.data)
            }
            return ElementPermutation.concatRows(blocks)
        }
    }

    /// `[1, N+1, D]` positions without row 0 when every bit of that row is zero (so that
    /// reading the file back restores it exactly), else nil.
    static func withoutZeroFirstRow(_ pos: Tensor) throws -> Tensor? {
        guard pos.shape.count == 3, pos.shape[1] > 1 else { return nil }
        let bytes = pos.shape[2] * pos.dtype.byteSize
        guard pos.data.withUnsafeBytes({ $0.prefix(bytes).allSatisfy { $0 == 0 } }) else { return nil }
        return try Tensor(dtype: pos.dtype, shape: [1, pos.shape[1] - 1, pos.shape[2]], validating: pos.data.slice(bytes..<pos.data.count))
    }
}
