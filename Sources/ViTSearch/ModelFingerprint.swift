import Checkpoints
import Tensors
import ViTConversion
import ViTEmbedding

/// What identifies the model behind a collection's vectors: the SHA-256 of its weights and
/// the kind of embedding taken from it. Indexing into a collection whose fingerprint differs
/// would mix vectors from two embedding spaces, so it is refused.
public struct ModelFingerprint: Sendable, Equatable {
    /// SHA-256 (lowercase hex) of the weights: the file's digest for one weights file (what
    /// `sha256sum model.safetensors` prints); for shards, the digest of the `sha256sum`-style
    /// lines (`<digest>  <file name>\n`, in the checkpoint's shard order).
    public var sha256: String
    /// The embedding kind (`pooler`, `cls`, `mean`), with `+normalized` when rows are L2-normalized.
    public var embedding: String
    /// The vector dimension.
    public var dimension: Int

    /// A fingerprint from its parts (`init(embedder:)` computes one for a model).
    public init(sha256: String, embedding: String, dimension: Int) {
        self.sha256 = sha256
        self.embedding = embedding
        self.dimension = dimension
    }

    /// The fingerprint of what `embedder` writes: its checkpoint's weights digest, its kind
    /// (and normalization) and dimension.
    ///
    /// - Throws: `CheckpointError` when a weights file cannot be read.
    public init(embedder: Embedder) throws(CheckpointError) {
        self.init(sha256: try Self.weightsDigest(of: embedder.pipeline.checkpoint.checkpoint),
                  embedding: embedder.kind.rawValue + (embedder.normalize ? "+normalized" : ""),
                  dimension: embedder.dimension)
    }

    /// The weights digest of `checkpoint` as described for `sha256`.
    ///
    /// - Throws: `CheckpointError` when a weights file cannot be read.
    public static func weightsDigest(of checkpoint: Checkpoint) throws(CheckpointError) -> String {
        let files = checkpoint.source.files
        if files.count == 1 { return try SHA256.hex(file: files[0]) }
        var lines = ""
        for file in files { lines += try SHA256.hex(file: file) + "  " + FileSystem.baseName(of: file) + "\n" }
        return Array(lines.utf8).withUnsafeBytes { SHA256.hex($0) }
    }
}

extension ModelFingerprint {
    /// The collection description vitkit writes: one JSON object naming the format, digest,
    /// embedding and dimension (Milvus keeps it with the collection).
    public var collectionDescription: String {
        JSON.object([
            ("format", .string("vitkit-embeddings")),
            ("version", .number("1")),
            ("checkpoint_sha256", .string(sha256)),
            ("embedding", .string(embedding)),
            ("dimension", .number(String(dimension))),
        ]).compactText
    }

    /// The fingerprint a collection description records, or nil when the description is not
    /// one vitkit wrote (another tool's collection).
    public init?(collectionDescription text: String) {
        guard let json = try? JSON.parse(text), json["format"]?.stringValue == "vitkit-embeddings",
              let sha = json["checkpoint_sha256"]?.stringValue, let kind = json["embedding"]?.stringValue,
              let dimension = json["dimension"]?.intValue else { return nil }
        self.init(sha256: sha, embedding: kind, dimension: dimension)
    }
}
