import Checkpoints
import Tensors

/// vitkit's native format: one safetensors file with canonical graph names in the layouts
/// the forward pass uses (dense `[out, in]`, conv OIHW, separate q/k/v), and metadata:
///
/// - `vitkit.format_version`: `"1"`, or `"2"` when the graph uses an option of the ViT family
///   (distillation token, registers, LayerScale, SwiGLU, no class position, a cls + patch mean
///   classifier, mask token), so that readers of version 1 refuse what they cannot run
/// - `vitkit.config`: the full `ViTConfig` as JSON (labels included)
/// - `vitkit.source_scheme`, `vitkit.source_file`, `vitkit.source_sha256`: provenance
///
/// Loading needs no remapping: every tensor is a view into the mapped file.
package enum NativeFormat {
    package static let formatKey = "vitkit.format_version"
    package static let configKey = "vitkit.config"
    package static let version = "1"
    /// The version of files whose graph uses DeiT / DINOv2 options.
    package static let familyVersion = "2"
    /// Every version this vitkit reads.
    package static let readable = [version, familyVersion]

    /// The version written for `config`.
    package static func version(for config: ViTConfig) -> String {
        config == ViTConfig.plain(config) ? version : familyVersion
    }
    package static let preprocessorKey = "vitkit.preprocessor_config"

    static func parseMetadataJSON(_ text: String, key: String, file: String) throws(ViTError) -> JSON {
        do { return try JSON.parse(text) } catch {
            throw .invalidConfig("\(file): metadata '\(key)' is not valid JSON: \(error.description)")
        }
    }
}
