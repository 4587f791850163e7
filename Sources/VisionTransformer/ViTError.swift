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
    /// The model produced NaN or infinity; the message names the image and, when one holds
    /// them, a weight.
    case nonFiniteOutput(String)

    public var description: String {
        switch self {
        case .invalidConfig(let s): "invalid ViT config: \(s)"
        case .mapping(let f, let r): "\(f) does not map onto the ViT graph:\n\(r)"
        case .unknownScheme(let s): s
        case .conversion(let s): s
        case .input(let s): s
        case .nonFiniteOutput(let s): s
        }
    }
}
