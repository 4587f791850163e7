import Foundation
import Testing

@testable import Milvus

/// MilvusClient against a real milvus-lite server (one for the suite, see SharedMilvusServer).
@Suite(.serialized, SharedMilvusServer())
struct MilvusClientTests {
    let dimension = 16

    /// Paths that need escaping in a filter, and non-ASCII ones, next to plain ones.
    func paths(_ count: Int) -> [String] {
        (0..<count).map { i in
            switch i % 5 {
            case 0: return "photos/cat \(i).png"
            case 1: return "photos/quote\"\(i)\".jpg"
            case 2: return "photos\\back\\slash \(i).png"
            case 3: return "fotos/grüße/日本 \(i).jpg"
            default: return "photos/it's \(i).png"
            }
        }
    }

    @Test func createDescribeInsertSearchQueryDeleteDrop() async throws {
        let client = try SharedMilvusServer.server.client()
        defer { Task { await client.close() } }
        let name = "round_trip"
        #expect(try await client.hasCollection(name) == false)
        try await client.createCollection(name, dimension: dimension, metric: .cosine, index: .flat,
                                          description: "vitkit test images")
        #expect(try await client.hasCollection(name))
        let info = try await client.describeCollection(name)
        #expect(info == MilvusCollectionInfo(name: name, description: "vitkit test images", dimension: dimension,
                                             metric: .cosine, indexType: "FLAT"))

        var random = SeededVectors(seed: 13)
        let paths = paths(300)
        let vectors = random.vectors(paths.count, dimension: dimension)
        // Batches of 64: five requests, the last one short.
        #expect(try await client.insert(collection: name, paths: paths, vectors: vectors, batchSize: 64) == paths.count)
        try await client.flush(name)
        try await client.load(name)

        // Search equals brute-force cosine over the inserted vectors.
        let queries = random.vectors(4, dimension: dimension) + [vectors[7]]
        let k = 6
        let results = try await client.search(collection: name, vectors: queries, k: k)
        #expect(results.count == queries.count)
        for (query, hits) in zip(queries, results) {
            let expected = zip(paths, vectors).map { ($0, cosine(query, $1)) }.sorted { $0.1 > $1.1 }.prefix(k)
            #expect(hits.map(\.path) == expected.map(\.0))
            for (hit, (_, score)) in zip(hits, expected) {
                #expect(abs(Double(hit.distance) - score) < 1e-5, "\(hit.path): \(hit.distance) vs \(score)")
            }
        }
        #expect(results[4].first?.path == paths[7])

        // A filter restricts the hits.
        let filtered = try await client.search(collection: name, vectors: [queries[0]], k: 3,
                                               filter: #"path like "fotos/%""#)
        #expect(filtered[0].count == 3)
        #expect(filtered[0].allSatisfy { $0.path.hasPrefix("fotos/") })

        // Which paths exist, in batches smaller than the list.
        let asked = Array(paths[0..<40]) + ["photos/never.png", "photos/quote\"x\".jpg", ""]
        #expect(try await client.existingPaths(collection: name, among: asked, batchSize: 7) == Set(paths[0..<40]))

        // Rows read back hold exactly the inserted vectors.
        let some = Array(paths[10..<20])
        let records = try await client.query(collection: name, filter: FieldData.pathFilter(some), vectors: true)
        #expect(Dictionary(uniqueKeysWithValues: records.map { ($0.path, $0.vector!) })
            == Dictionary(uniqueKeysWithValues: (10..<20).map { (paths[$0], vectors[$0]) }))

        // Delete by path.
        let gone = Array(paths[0..<25])
        try await client.delete(collection: name, paths: gone, batchSize: 10)
        #expect(try await client.existingPaths(collection: name, among: paths).count == paths.count - gone.count)
        let afterDelete = try await client.search(collection: name, vectors: [vectors[3]], k: 10)
        #expect(afterDelete[0].allSatisfy { !gone.contains($0.path) })
        #expect(try await client.query(collection: name, filter: #"path != """#).count == paths.count - gone.count)

        try await client.dropCollection(name)
        #expect(try await client.hasCollection(name) == false)
    }

    @Test(arguments: [(MilvusMetric.l2, MilvusIndex.autoIndex, "AUTOINDEX"), (.ip, .hnsw(m: 8, efConstruction: 64), "HNSW")])
    func metricAndIndexAreDescribed(metric: MilvusMetric, index: MilvusIndex, type: String) async throws {
        let client = try SharedMilvusServer.server.client()
        defer { Task { await client.close() } }
        let name = "described_\(type.lowercased())"
        try await client.createCollection(name, dimension: 3, metric: metric, index: index)
        let info = try await client.describeCollection(name)
        #expect(info.dimension == 3 && info.metric == metric && info.indexType == type && info.description == "")
        try await client.dropCollection(name)
    }

    @Test func upsertReplacesARow() async throws {
        let client = try SharedMilvusServer.server.client()
        defer { Task { await client.close() } }
        let name = "upserts"
        try await client.createCollection(name, dimension: 2, metric: .l2, index: .flat)
        try await client.insert(collection: name, paths: ["a", "b"], vectors: [[1, 0], [0, 1]])
        try await client.upsert(collection: name, paths: ["a"], vectors: [[5, 5]])
        try await client.load(name)
        let rows = try await client.query(collection: name, filter: #"path in ["a", "b"]"#, vectors: true)
        #expect(Set(rows.map(\.path)) == ["a", "b"])
        #expect(rows.first { $0.path == "a" }?.vector == [5, 5])
        // L2 distances are squared: (5-1)^2 + (5-0)^2 = 41 from [1, 0] to "a".
        let hits = try await client.search(collection: name, vectors: [[1, 0]], k: 2)
        #expect(hits[0].map(\.path) == ["b", "a"])
        #expect(zip(hits[0].map(\.distance), [2, 41]).allSatisfy { abs($0 - $1) < 1e-5 }, "\(hits[0])")
        try await client.dropCollection(name)
    }

    @Test func milvusReasonsSurface() async throws {
        let client = try SharedMilvusServer.server.client()
        defer { Task { await client.close() } }
        let name = "errors"
        try await client.createCollection(name, dimension: 4)

        // The server's own words, with the operation's name.
        let wrongDimension = await #expect(throws: MilvusError.self) {
            try await client.insert(collection: name, paths: ["x"], vectors: [[1, 2, 3]])
        }
        guard case .server(let operation, let code, let reason)? = wrongDimension else {
            Issue.record("not a server error: \(String(describing: wrongDimension))")
            return
        }
        #expect(operation == "insert" && code != 0)
        #expect(reason.contains("dim") && reason.contains("4") && reason.contains("3"), "\(reason)")
        #expect(wrongDimension!.description.hasPrefix("Milvus insert failed: "))
        #expect(!wrongDimension!.description.contains("\n"))

        let unknown = await #expect(throws: MilvusError.self) {
            try await client.search(collection: "no_such_collection", vectors: [[1, 0, 0, 0]], k: 1)
        }
        guard case .server("search", _, let searchReason)? = unknown else {
            Issue.record("not a search server error: \(String(describing: unknown))")
            return
        }
        #expect(searchReason.contains("no_such_collection"))

        let twice = await #expect(throws: MilvusError.self) { try await client.createCollection(name, dimension: 4) }
        guard case .server("create collection", _, let twiceReason)? = twice else {
            Issue.record("not a create server error: \(String(describing: twice))")
            return
        }
        #expect(twiceReason.contains(name))

        // Refused before sending: rows of different lengths cannot be packed.
        await #expect(throws: MilvusError.invalidArgument(operation: "insert", reason: "vector 1 (b) has 3 values, vector 0 has 4")) {
            try await client.insert(collection: name, paths: ["a", "b"], vectors: [[1, 2, 3, 4], [1, 2, 3]])
        }
        try await client.dropCollection(name)
    }

    /// pymilvus, a separate client, reads back what this one inserted: paths and float32 vectors.
    @Test func pymilvusReadsWhatSwiftInserted() async throws {
        let server = try SharedMilvusServer.server
        let client = try server.client()
        defer { Task { await client.close() } }
        let name = "cross_check"
        try await client.createCollection(name, dimension: 5, metric: .cosine, index: .autoIndex)
        var random = SeededVectors(seed: 99)
        let paths = paths(40)
        let vectors = random.vectors(paths.count, dimension: 5)
        try await client.insert(collection: name, paths: paths, vectors: vectors, batchSize: 16)
        try await client.flush(name)

        let script = "\(TestEnvironment.repository)/Tests/MilvusTests/pymilvus_read_back.py"
        let output = try runPython(script, "http://\(server.address)", name)
        let rows = try JSONDecoder().decode([String: [Double]].self, from: output)
        #expect(rows.count == paths.count)
        for (path, vector) in zip(paths, vectors) {
            #expect(rows[path]?.map(Float.init) == vector, "\(path)")
        }
        try await client.dropCollection(name)
    }

    /// The `dbname` header: pymilvus creates a database, this client creates a collection in it,
    /// pymilvus finds the collection there and not in the default database.
    @Test func databaseHeaderSelectsTheDatabase() async throws {
        let server = try SharedMilvusServer.server
        let script = "\(TestEnvironment.repository)/Tests/MilvusTests/pymilvus_databases.py"
        let uri = "http://\(server.address)"
        _ = try runPython(script, uri, "create", "vitkit_images")
        let client = try MilvusClient(address: server.address, database: "vitkit_images")
        defer { Task { await client.close() } }
        try await client.createCollection("in_database", dimension: 2)
        #expect(try await client.hasCollection("in_database"))
        let inDatabase = try JSONDecoder().decode([String].self, from: try runPython(script, uri, "list", "vitkit_images"))
        let inDefault = try JSONDecoder().decode([String].self, from: try runPython(script, uri, "list", "default"))
        #expect(inDatabase == ["in_database"])
        #expect(!inDefault.contains("in_database"))
        let defaultClient = try server.client()
        defer { Task { await defaultClient.close() } }
        #expect(try await defaultClient.hasCollection("in_database") == false)
        try await client.dropCollection("in_database")
    }

    func runPython(_ arguments: String...) throws -> Data { try TestEnvironment.runPython(arguments) }
}
