import Tensors

/// Errors of the ViT library: configuration, mapping and runtime problems. Container
/// problems stay `CheckpointError`.
public enum ViTError: Error, Sendable, CustomStringConvertible {
    case invalidConfig(String)
    /// The checkpoint does not map onto the graph; the report lists every problem.
    case mapping(file: String, report: String)
    case unknownScheme(String)
    case conversion(String)
    case input(String)
    /// The checkpoint's graph is larger than `ViTLimits` allows: `found` parameters or labels
    /// against `limit`, as given by `origin` (the config file, or the tensor shapes).
    case limitExceeded(file: String, kind: ViTLimits.Kind, found: Int, limit: Int, origin: String)
    /// The model produced NaN or infinity; the message names the image and, when one holds
    /// them, a weight.
    case nonFiniteOutput(String)

    public var description: String {
        switch self {
        case .limitExceeded(let f, let kind, let found, let limit, let origin):
            "\(f): \(found == .max ? "a 64-bit-overflowing number of" : "\(found)") \(kind == .labels ? "classifier labels" : "graph parameters")"
                + " (from \(origin)), over the limit of \(limit); refused before reading any weights"
        case .invalidConfig(let s): "invalid ViT config: \(s)"
        case .mapping(let f, let r): "\(f) does not map onto the ViT graph:\n\(r)"
        case .unknownScheme(let s): s
        case .conversion(let s): s
        case .input(let s): s
        case .nonFiniteOutput(let s): s
        }
    }
}
