/// The similarity metric of a collection's vector index.
public enum MilvusMetric: String, Sendable, Equatable, CaseIterable {
    /// Cosine similarity: hits' `distance` is in [-1, 1], larger is nearer.
    case cosine = "COSINE"
    /// Squared Euclidean distance: smaller is nearer.
    case l2 = "L2"
    /// Inner product: larger is nearer.
    case ip = "IP"
}

/// The kind of vector index built on a collection's `embedding` field.
public enum MilvusIndex: Sendable, Equatable {
    /// The server's choice (milvus-lite 3.2: HNSW through faiss, exact search without it).
    case autoIndex
    /// Exact (brute-force) search.
    case flat
    /// HNSW graph with `m` links per node and `efConstruction` candidates while building.
    case hnsw(m: Int, efConstruction: Int)

    var type: String {
        switch self {
        case .autoIndex: return "AUTOINDEX"
        case .flat: return "FLAT"
        case .hnsw: return "HNSW"
        }
    }

    /// The `params` JSON object of a CreateIndex request.
    var parameters: String {
        switch self {
        case .autoIndex, .flat: return "{}"
        case let .hnsw(m, efConstruction): return #"{"M": \#(m), "efConstruction": \#(efConstruction)}"#
        }
    }
}

/// What ``MilvusClient/describeCollection(_:)`` reports of an image collection.
public struct MilvusCollectionInfo: Sendable, Equatable {
    /// The collection's name.
    public var name: String
    /// The description given at creation.
    public var description: String
    /// Length of every `embedding` vector.
    public var dimension: Int
    /// The metric of the vector index; nil when the collection has no index.
    public var metric: MilvusMetric?
    /// The index type as the server reports it (`"AUTOINDEX"`, `"FLAT"`, `"HNSW"`, ...); nil without an index.
    public var indexType: String?
}

/// Field names and limits of the collections ``MilvusClient`` creates.
///
/// The primary key is the image path itself (VARCHAR): one row per image, "is this image
/// already indexed" and "forget this image" are primary-key lookups and deletes, and search
/// hits carry the path with no second lookup. Milvus does not reject a duplicate primary key
/// on insert, so adding an image twice goes through ``MilvusClient/upsert(collection:paths:vectors:batchSize:)``.
public enum MilvusImageSchema {
    /// The VARCHAR primary key: the image's path.
    public static let pathField = "path"
    /// The FLOAT_VECTOR field: the image's embedding.
    public static let vectorField = "embedding"
    /// Longest path stored, in UTF-8 bytes (Linux's PATH_MAX).
    public static let maxPathBytes = 4096
    /// The collection property that also holds the description (milvus-lite 3.2 drops the schema's).
    public static let descriptionProperty = "vitkit.description"
}
