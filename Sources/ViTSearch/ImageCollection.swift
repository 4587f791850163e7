import Foundation
import Milvus
import Tensors
import ViTEmbedding

/// A Milvus collection of image embeddings made by one model: indexing (resumable, refusing
/// another model's collection), nearest-image search and removal.
///
/// Rows are `(path, embedding)` with the image's absolute path (symbolic links resolved) as
/// primary key; the collection's description records the model's ``ModelFingerprint``.
public final class ImageCollection: Sendable {
    /// The server connection the collection lives on.
    public let client: MilvusClient
    /// The collection's name on the server.
    public let name: String

    /// The collection `name` on `client`'s server (nothing is asked of the server until used).
    public init(client: MilvusClient, name: String) {
        self.client = client
        self.name = name
    }

    /// What ``index(_:fingerprint:images:metric:batchSize:progress:)`` did.
    public struct IndexReport: Sendable {
        /// Images asked for (after removing repeated paths).
        public var images: Int
        /// Images the collection held already (skipped, not embedded again).
        public var alreadyIndexed: Int
        /// Images embedded and inserted by this run.
        public var inserted: Int
        /// Whether this run created the collection.
        public var created: Bool
        /// Seconds spent embedding (decode, preprocess, forward).
        public var embedSeconds: Double
        /// Seconds spent inserting (including the flush).
        public var insertSeconds: Double
    }

    /// Embeds the `images` the collection does not hold yet and inserts them, `batchSize`
    /// images at a time (each batch is in Milvus before the next is embedded, so an
    /// interrupted run loses at most one batch, and a re-run inserts only what is missing).
    /// Creates the collection (with `metric`) when it does not exist.
    ///
    /// - Throws: ``SearchError/modelMismatch(collection:stored:current:)`` when the collection
    ///   holds another model's vectors; `MilvusError`; what embedding an image throws.
    public func index(_ embedder: Embedder, fingerprint: ModelFingerprint, images: [String], metric: MilvusMetric = .cosine,
                      batchSize: Int = 32, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> IndexReport {
        let paths = try Self.storedPaths(images)
        var report = IndexReport(images: paths.count, alreadyIndexed: 0, inserted: 0, created: false, embedSeconds: 0, insertSeconds: 0)
        if try await client.hasCollection(name) {
            try await requireFingerprint(fingerprint)
        } else {
            try await client.createCollection(name, dimension: fingerprint.dimension, metric: metric,
                                              description: fingerprint.collectionDescription)
            report.created = true
        }
        try await client.load(name)
        let existing = try await client.existingPaths(collection: name, among: paths)
        let missing = paths.filter { !existing.contains($0) }
        report.alreadyIndexed = paths.count - missing.count
        progress?(0, missing.count)
        for start in stride(from: 0, to: missing.count, by: batchSize) {
            let batch = Array(missing[start..<min(start + batchSize, missing.count)])
            let clock = ContinuousClock()
            var rows: [[Float]] = []
            report.embedSeconds += Self.seconds(try await clock.measure {
                rows = try await Self.offload { try embedder.embed(paths: batch, batchSize: min(batchSize, 8)) }
            })
            let vectors = rows
            report.insertSeconds += Self.seconds(try await clock.measure {
                // Upsert: a batch the server stored before a failure cut the reply is replaced, not doubled.
                _ = try await client.upsert(collection: name, paths: batch, vectors: vectors)
            })
            report.inserted += batch.count
            progress?(report.inserted, missing.count)
        }
        let clock = ContinuousClock()
        report.insertSeconds += Self.seconds(try await clock.measure { try await client.flush(name) })
        return report
    }

    /// One query image's nearest stored images.
    public struct Result: Sendable {
        /// The query image as given.
        public var image: String
        /// Nearest first: stored path and Milvus's distance for the collection's metric
        /// (COSINE and IP: larger is nearer; L2: squared distance, smaller is nearer).
        public var hits: [MilvusHit]
    }

    /// The `k` nearest stored images of each of `images`.
    ///
    /// - Throws: ``SearchError/unknownCollection(_:)``, ``SearchError/modelMismatch(collection:stored:current:)``;
    ///   `MilvusError`; what embedding an image throws.
    public func search(_ embedder: Embedder, fingerprint: ModelFingerprint, images: [String], k: Int = 10) async throws -> [Result] {
        guard try await client.hasCollection(name) else { throw SearchError.unknownCollection(name) }
        try await requireFingerprint(fingerprint)
        try await client.load(name)
        let rows = try await Self.offload { try embedder.embed(paths: images) }
        let hits = try await client.search(collection: name, vectors: rows, k: k)
        return zip(images, hits).map { Result(image: $0, hits: $1) }
    }

    /// Drops the collection; false when there was none.
    @discardableResult
    public func drop() async throws -> Bool {
        guard try await client.hasCollection(name) else { return false }
        try await client.dropCollection(name)
        return true
    }

    /// Throws unless the collection's description records `fingerprint`.
    func requireFingerprint(_ fingerprint: ModelFingerprint) async throws {
        let info = try await client.describeCollection(name)
        guard let stored = ModelFingerprint(collectionDescription: info.description) else {
            throw SearchError.foreignCollection(collection: name, dimension: info.dimension)
        }
        guard stored == fingerprint, info.dimension == fingerprint.dimension else {
            throw SearchError.modelMismatch(collection: name, stored: stored, current: fingerprint)
        }
    }

    /// The primary keys of `images`: absolute paths with links resolved, each once, in order.
    static func storedPaths(_ images: [String]) throws -> [String] {
        var seen = Set<String>(), out: [String] = []
        for image in images {
            let path = FileSystem.realPath(image) ?? image
            guard path.utf8.count <= MilvusImageSchema.maxPathBytes else {
                throw SearchError.pathTooLong(path: image, bytes: path.utf8.count, limit: MilvusImageSchema.maxPathBytes)
            }
            if seen.insert(path).inserted { out.append(path) }
        }
        return out
    }

    /// Runs CPU-bound `work` on a thread of its own, so the gRPC connection's tasks on the
    /// cooperative pool keep running meanwhile.
    static func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Swift.Result { try work() }) }
        }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
