import Tensors

/// A big_vision checkpoint saved with `scan=True` read block by block: every tensor under
/// `Transformer/encoderblock/` (optionally behind `params/` or `opt/target/`) holds all
/// blocks stacked along axis 0, and appears here as one tensor per block,
/// `Transformer/encoderblock_<i>/...` (the unscanned name), whose bytes are a view of that
/// block's slice of the stack (no copy). Every other tensor passes through unchanged.
///
/// big_vision's `Encoder` runs `nn.scan` over `Encoder1DBlock` with `variable_axes={"params": 0}`
/// (big_vision/models/vit.py), and `scan_to_pyloop` unstacks exactly this way: block `i`
/// is `x[i]` of every stacked array (docs/FORMAT.md, "big_vision scanned checkpoints").
package struct ScannedBlocks: TensorSource {
    /// What `Transformer/encoderblock/` is replaced by in a block's name: `_<i>/`.
    package static let stacked = "Transformer/encoderblock/"
    /// The most per-block views a file may ask for (a ViT block has 16 tensors; 9999 blocks
    /// of them is ~160,000): bounds what listing a hostile file allocates.
    static let maxViews = 1_000_000

    let base: any TensorSource
    package let tensors: [TensorInfo]
    /// The number of stacked blocks (the common leading dimension).
    let depth: Int
    /// Per-block name -> (stacked name, block index, bytes per block).
    private let slices: [String: (stored: String, index: Int, bytes: Int)]

    package var format: String { base.format }
    package var path: String { base.path }
    package var metadata: [(key: String, value: String)] { base.metadata }
    package var skipped: [(name: String, reason: String)] { base.skipped }
    package var files: [String] { base.files }

    /// `source` itself when it holds no stacked tensor, else the per-block view of it.
    ///
    /// - Throws: `CheckpointError.malformed` naming the file and tensor when a stacked tensor
    ///   is a scalar, the stacks disagree on the depth (or it is 0 or over 9999), they would
    ///   give more than `maxViews` views, or a block name it would give is also stored unstacked.
    static func unstacking(_ source: any TensorSource) throws(CheckpointError) -> any TensorSource {
        guard source.tensors.contains(where: { stackPrefix(of: $0.name) != nil }) else { return source }
        return try ScannedBlocks(source)
    }

    /// The prefix before `Transformer/encoderblock/` (``, `params/`, `opt/target/`), or nil.
    static func stackPrefix(of name: String) -> String? {
        ["", "params/", "opt/target/"].first { name.hasPrefix($0 + stacked) }
    }

    private init(_ source: any TensorSource) throws(CheckpointError) {
        base = source
        var depth: Int?
        var tensors: [TensorInfo] = []
        var slices: [String: (stored: String, index: Int, bytes: Int)] = [:]
        for info in source.tensors {
            guard let prefix = Self.stackPrefix(of: info.name) else {
                tensors.append(info)
                continue
            }
            guard let first = info.shape.first else {
                throw .malformed(file: source.path, reason: "stacked (scanned) tensor '\(info.name)' is a scalar; expected [depth, ...]")
            }
            if let d = depth, d != first {
                throw .malformed(file: source.path, reason: "stacked (scanned) tensor '\(info.name)' has \(first) blocks along axis 0, others \(d)")
            }
            guard (1...9999).contains(first) else {
                throw .malformed(file: source.path, reason: "stacked (scanned) tensor '\(info.name)' has \(first) blocks along axis 0; expected 1 to 9999")
            }
            depth = first
            guard slices.count + first <= Self.maxViews else {
                throw .malformed(file: source.path, reason: "stacked (scanned) tensors would give more than \(Self.maxViews) per-block tensors")
            }
            let rest = String(info.name.dropFirst(prefix.count + Self.stacked.count))
            let shape = Array(info.shape.dropFirst())
            let bytes = info.byteCount / first
            for i in 0..<first {
                let name = "\(prefix)Transformer/encoderblock_\(i)/\(rest)"
                slices[name] = (info.name, i, bytes)
                tensors.append(TensorInfo(name: name, dtype: info.dtype, shape: shape))
            }
        }
        let stored = Set(source.tensors.map(\.name))
        if let clash = slices.keys.sorted().first(where: stored.contains) {
            throw .malformed(file: source.path, reason: "'\(clash)' is stored both on its own and stacked in '\(slices[clash]!.stored)'")
        }
        self.tensors = tensors
        self.depth = depth ?? 0
        self.slices = slices
    }

    /// The stored tensor, or block `i`'s slice of its stack (a view of the same bytes).
    package func tensor(named name: String) throws(CheckpointError) -> Tensor {
        guard let s = slices[name] else { return try base.tensor(named: name) }
        let stack = try base.tensor(named: s.stored)
        guard stack.data.count == s.bytes * depth else {
            throw .sizeMismatch(file: path, tensor: s.stored, expected: s.bytes * depth, found: stack.data.count)
        }
        return Tensor(dtype: stack.dtype, shape: Array(stack.shape.dropFirst()),
                      data: stack.data.slice((s.index * s.bytes)..<((s.index + 1) * s.bytes)))
    }

    /// The stacked tensor a per-block name is a slice of (the name itself otherwise).
    func storedName(_ name: String) -> String { slices[name]?.stored ?? name }
}
