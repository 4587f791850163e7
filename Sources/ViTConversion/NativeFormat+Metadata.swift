import Dispatch
import SafeTensors
import Tensors
import ViTModel

extension NativeFormat {
    /// The metadata key of the source weights file's SHA-256.
    static let sourceDigestKey = "vitkit.source_sha256"

    /// The metadata vitkit writes for a converted checkpoint, but for the source's digest
    /// (see `sourceDigest`).
    package static func metadata(config: ViTConfig, source: ViTCheckpoint) -> [(key: String, value: String)] {
        var meta: [(key: String, value: String)] = [
            (NativeFormat.formatKey, NativeFormat.version(for: config)),
            (NativeFormat.configKey, config.json.compactText),
            ("vitkit.source_scheme", source.scheme.id.rawValue),
            ("vitkit.source_file", source.checkpoint.source.path),
        ]
        if let pre = source.preprocessorConfig { meta.append((NativeFormat.preprocessorKey, pre.compactText)) }
        return meta
    }

    /// `vitkit.source_sha256`: the SHA-256 of the source's weights file (for a sharded
    /// checkpoint, its index), hashed on another thread while the tensors are written and
    /// filled into the header at the end.
    package static func sourceDigest(_ source: ViTCheckpoint) -> LateMetadata {
        let digest = BackgroundDigest(file: source.checkpoint.source.path)
        return LateMetadata(key: sourceDigestKey, length: 64) { try digest.value() }
    }
}

/// A file's SHA-256 computed on a background thread.
final class BackgroundDigest: @unchecked Sendable {
    private let done = DispatchGroup()
    // Written once by the hashing thread before `done.leave()`, read after `done.wait()`.
    private var result: Result<String, CheckpointError>?

    init(file: String) {
        done.enter()
        DispatchQueue.global(qos: .userInitiated).async {
            self.result = Result { () throws(CheckpointError) in try SHA256.hex(file: file) }
            self.done.leave()
        }
    }

    /// Waits for the digest.
    ///
    /// - Throws: the `CheckpointError` reading the file gave.
    func value() throws(CheckpointError) -> String {
        done.wait()
        return try result!.get()
    }
}
