import Tensors
import ViTModel

extension NativeFormat {
    /// The metadata vitkit writes for a converted checkpoint.
    package static func metadata(config: ViTConfig, source: ViTCheckpoint) throws -> [(key: String, value: String)] {
        // The weights file (for a sharded checkpoint, its index).
        let weights = source.checkpoint.source.path
        var meta: [(key: String, value: String)] = [
            (NativeFormat.formatKey, NativeFormat.version(for: config)),
            (NativeFormat.configKey, config.json.compactText),
            ("vitkit.source_scheme", source.scheme.id.rawValue),
            ("vitkit.source_file", weights),
            ("vitkit.source_sha256", try SHA256.hex(file: weights)),
        ]
        if let pre = source.preprocessorConfig { meta.append((NativeFormat.preprocessorKey, pre.compactText)) }
        return meta
    }
}
