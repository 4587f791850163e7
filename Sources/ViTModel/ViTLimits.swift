import Tensors

/// What a checkpoint may make vitkit allocate, checked from shapes and config before any
/// tensor data is read.
///
/// The defaults are a few times the largest public ViTs (ViT-22B aside: ViT-G/14 has 1.8 G
/// parameters, ImageNet-21k has 21,843 classes); raise them for larger models.
public struct ViTLimits: Sendable, Equatable {
    /// At most this many graph parameters (all tensors the config's graph needs).
    public var maxParameters: Int
    /// At most this many classifier labels.
    public var maxLabels: Int

    /// 2.5 G parameters: a few times the largest public ViT.
    public static let defaultMaxParameters = 2_500_000_000
    /// One million classifier labels.
    public static let defaultMaxLabels = 1_000_000

    /// Limits; both must be positive.
    public init(maxParameters: Int = defaultMaxParameters, maxLabels: Int = defaultMaxLabels) {
        self.maxParameters = maxParameters
        self.maxLabels = maxLabels
    }

    /// Which limit a checkpoint exceeded.
    public enum Kind: String, Sendable, Equatable {
        case parameters, labels
    }

    /// Throws `.limitExceeded` when `labels` is over `maxLabels`.
    func check(labels: Int, file: String, origin: String) throws(ViTError) {
        guard labels <= maxLabels else {
            throw .limitExceeded(file: file, kind: .labels, found: labels, limit: maxLabels, origin: origin)
        }
    }

    /// Throws `.limitExceeded` when the graph of `config` has more than `maxParameters`
    /// parameters (or a count that overflows).
    func check(_ config: ViTConfig, file: String, origin: String) throws(ViTError) {
        try check(labels: config.numLabels, file: file, origin: origin)
        var total = 0
        for p in config.graphParameters {
            guard let n = Shape.elementCount(p.shape), case (let sum, false) = total.addingReportingOverflow(n) else {
                total = .max
                break
            }
            total = sum
        }
        guard total <= maxParameters else {
            throw .limitExceeded(file: file, kind: .parameters, found: total, limit: maxParameters, origin: origin)
        }
    }
}
