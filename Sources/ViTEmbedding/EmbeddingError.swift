/// What can go wrong choosing images, computing or writing embeddings.
///
/// Images that cannot be decoded are `ImageError`s (they name the file); the model's own
/// errors stay `ViTError`, file-system errors `CheckpointError`. `description` is one sentence.
public enum EmbeddingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `.pooler` was asked of a checkpoint without a pooler.
    case noPooler(file: String)
    /// An image argument that does not exist.
    case missingImage(path: String)
    /// The image arguments (files and walked directories) hold no image.
    case noImages(arguments: [String])
    /// An output file name that is neither `.npy` nor `.jsonl`.
    case unsupportedOutput(path: String)
    /// The writer was given other rows than it was created for (`expected` vs `found`).
    case rowMismatch(file: String, reason: String)

    /// One sentence naming the file.
    public var description: String {
        switch self {
        case .noPooler(let f):
            "\(f) has no pooler (the tanh(dense(cls)) layer of in21k ViTModels): embed the cls state or the token mean instead"
        case .missingImage(let p): "\(p): no such file or directory"
        case .noImages(let args):
            "no PNG or JPEG images (.png, .jpg, .jpeg) found in \(args.map { "'\($0)'" }.joined(separator: ", "))"
                + " (directories are searched recursively; hidden entries are skipped)"
        case .unsupportedOutput(let p):
            "\(p): the output must end in .npy (float32 [n, dim] + \(EmbeddingWriter.sidecarSuffix) sidecar) or .jsonl (JSON lines)"
        case .rowMismatch(let f, let reason): "\(f): \(reason)"
        }
    }
}

