import Checkpoints
import Tensors

/// vitkit's native format: one safetensors file with canonical graph names in the layouts
/// the forward pass uses (dense `[out, in]`, conv OIHW, separate q/k/v), and metadata:
///
/// - `vitkit.format_version`: `"1"`
/// - `vitkit.config`: the full `ViTConfig` as JSON (labels included)
/// - `vitkit.source_scheme`, `vitkit.source_file`, `vitkit.source_sha256`: provenance
///
/// Loading needs no remapping: every tensor is a view into the mapped file.
package enum NativeFormat {
    package static let formatKey = "vitkit.format_version"
    package static let configKey = "vitkit.config"
    package static let version = "1"
    package static let preprocessorKey = "vitkit.preprocessor_config"

    static func parseMetadataJSON(_ text: String, key: String, file: String) throws(ViTError) -> JSON {
        do { return try JSON.parse(text) } catch {
            throw .invalidConfig("\(file): metadata '\(key)' is not valid JSON: \(error.description)")
        }
    }
}
