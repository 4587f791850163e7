import Milvus

/// Why indexing or searching a collection was refused (Milvus's own failures stay `MilvusError`).
public enum SearchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The collection holds vectors of another model or embedding kind.
    case modelMismatch(collection: String, stored: ModelFingerprint, current: ModelFingerprint)
    /// The collection was not written by vitkit (its description records no fingerprint).
    case foreignCollection(collection: String, dimension: Int)
    /// No collection of that name.
    case unknownCollection(String)
    /// An image path longer than the collection's path field holds.
    case pathTooLong(path: String, bytes: Int, limit: Int)

    public var description: String {
        switch self {
        case let .modelMismatch(name, stored, current):
            let what = stored.dimension != current.dimension
                ? "\(stored.dimension)-dimensional vectors, this model makes \(current.dimension)"
                : stored.sha256 != current.sha256
                ? "vectors of the checkpoint with SHA-256 \(stored.sha256.prefix(16))…, this one is \(current.sha256.prefix(16))…"
                : "'\(stored.embedding)' embeddings, this run makes '\(current.embedding)'"
            return "collection '\(name)' holds \(what): index into a new collection (or drop this one with `vitkit search --collection \(name) --drop`)"
        case let .foreignCollection(name, dimension):
            return "collection '\(name)' (\(dimension)-dimensional) was not created by vitkit index: it records no model, so vitkit neither adds to nor searches it"
        case let .unknownCollection(name):
            return "no collection '\(name)' on this Milvus server (vitkit index creates it)"
        case let .pathTooLong(path, bytes, limit):
            return "\(path): the path has \(bytes) bytes, more than the \(limit) the collection's path field holds"
        }
    }
}
