import ViTModel
import Checkpoints
import Tensors

/// Produces a target scheme's tensors one at a time from a mapped source, so that peak
/// memory stays near the largest tensor.
final class TensorStreamer {
    let source: ViTCheckpoint
    let plan: ConversionPlan
    let dtype: DType?
    /// The class-position change between the source and the plan's config.
    let fold: PositionFold?
    /// Tensor bytes produced for the output (the scanned writer takes back a dropped row).
    var bytesWritten = 0
    /// Called with (tensors produced, plan size) after each tensor.
    var progress: ((Int, Int) -> Void)?
    private var produced = 0
    /// Source tensors of the item produced last, released when the next one is requested.
    private var previous: [Tensor] = []

    init(source: ViTCheckpoint, plan: ConversionPlan, dtype: DType?) {
        self.source = source
        self.plan = plan
        self.dtype = dtype
        fold = PositionFold.between(source.config, plan.config)
    }

    /// A canonical parameter in the plan's class-position convention.
    func canonical(_ name: String, from stored: [String: Tensor]) throws -> Tensor {
        let t = try source.parameter(name, from: stored)
        guard let fold else { return t }
        let config = source.config
        switch name {
        case CanonicalName.positions: return try fold.positions(t, config: config)
        case CanonicalName.cls: return try fold.token(t, index: 0, positions: source.parameter(CanonicalName.positions), config: config)
        case CanonicalName.distillationToken:
            return try fold.token(t, index: 1, positions: source.parameter(CanonicalName.positions), config: config)
        default: return t
        }
    }

    /// The stored tensor for a plan item: canonical parameters, inverse layout, dtype.
    func tensor(_ item: ConversionPlan.Item) throws -> Tensor {
        for t in previous { t.data.releaseResidentPages() }
        // Read each stored tensor once (a fused qkv feeds three canonical parameters).
        var stored: [String: Tensor] = [:]
        for name in item.canonical {
            let storedName = try source.storedName(of: name)
            if stored[storedName] == nil { stored[storedName] = try source.tensors.tensor(named: storedName) }
        }
        previous = Array(stored.values)
        let canonical = try item.canonical.map { try self.canonical($0, from: stored) }
        let firstType = canonical[0].dtype
        let unified = try canonical.map { try $0.converted(to: dtype ?? firstType) }
        var t = item.layout.fromCanonical(unified, heads: source.config.numAttentionHeads)
        if let dtype, t.dtype != dtype { t = try t.converted(to: dtype) }
        guard t.shape == item.shape else {
            throw CheckpointError.shapeMismatch(file: source.checkpoint.path, tensor: item.name, expected: item.shape, found: t.shape)
        }
        bytesWritten += t.data.count
        produced += 1
        progress?(produced, plan.items.count)
        return t
    }

    /// The dtype most stored tensors get (for `torch_dtype` in config.json).
    var storedDType: DType {
        if let dtype { return dtype }
        return (try? plan.items.first.map(outputDType)) ?? nil ?? .f32
    }

    func outputDType(_ item: ConversionPlan.Item) throws -> DType {
        if let dtype { return dtype }
        let stored = try source.tensors.info(named: source.storedName(of: item.canonical[0]))?.dtype ?? .f32
        return stored.isPacked ? .f32 : stored  // F4 is decoded to f32 (ViTCheckpoint.parameter)
    }

    /// The plan's tensors, in plan order, as entries with their output dtype.
    func entries(_ items: [ConversionPlan.Item]) throws -> [TensorInfo] {
        try items.map { TensorInfo(name: $0.name, dtype: try outputDType($0), shape: $0.shape) }
    }

    /// Writes the plan through `CheckpointWriter`.
    func write(to path: String, format: CheckpointWriter.Format, items: [ConversionPlan.Item]? = nil) throws {
        let items = items ?? plan.items
        let byName = Dictionary(items.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        try CheckpointWriter.write(to: path, format: format, entries: entries(items)) { try self.tensor(byName[$0.name]!) }
    }
}
