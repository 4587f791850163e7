import ViTModel
import Checkpoints
import Tensors

extension TensorStreamer {
    /// Google JAX npz: one stored (uncompressed) member per tensor, written as it is produced.
    func writeNPZ(to path: String) throws {
        try write(to: path, format: .npz(compressed: false))
    }

    /// Safetensors with `metadata`, tensors in plan order.
    func writeSafeTensors(to path: String, metadata: [(key: String, value: String)]) throws {
        try write(to: path, format: .safetensors(metadata: metadata))
    }

    /// Keras 2 weight file in transformers' TF layout: layer `vit` (and `classifier`), weight
    /// names in the order TF builds them.
    func writeKeras(to path: String) throws {
        let items = KerasOrder.sorted(plan.items)
        var layers: [(layerName: String, weightNames: [String])] = []
        for item in items {
            let layer = item.ruleName.hasPrefix("classifier/") ? "classifier" : "vit"
            if layers.last?.layerName != layer { layers.append((layer, [])) }
            layers[layers.count - 1].weightNames.append(item.name)
        }
        try write(to: path, format: .kerasWeights(layers: layers), items: items)
    }
}

/// The order transformers' TF ViT lists its weights in (embeddings: cls, positions, patch
/// conv; each block; final LayerNorm; pooler; classifier).
enum KerasOrder {
    static func sorted(_ items: [ConversionPlan.Item]) -> [ConversionPlan.Item] {
        func rank(_ i: ConversionPlan.Item) -> Int {
            switch i.canonical[0] {
            case CanonicalName.cls: 0
            case CanonicalName.positions: 1
            case CanonicalName.patchWeight: 2
            case CanonicalName.patchBias: 3
            default: 4
            }
        }
        return items.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
    }
}
