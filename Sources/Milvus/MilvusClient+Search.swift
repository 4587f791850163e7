import Foundation
import MilvusProto
import SwiftProtobuf

/// One search hit: an image path and its metric value.
public struct MilvusHit: Sendable, Equatable {
    /// The image path (the primary key).
    public var path: String
    /// The metric's value as Milvus returns it: COSINE and IP a similarity (larger is nearer),
    /// L2 the squared distance (smaller is nearer). Hits come nearest first.
    public var distance: Float

    /// A hit of `path` at `distance`.
    public init(path: String, distance: Float) {
        self.path = path
        self.distance = distance
    }
}

extension MilvusClient {
    /// The `k` nearest images of each query vector, nearest first.
    ///
    /// The collection must be loaded (``load(_:)``). `filter` is a Milvus boolean expression
    /// on `path` (e.g. `path like "photos/%"`). Returns one array per query vector, each with
    /// at most `k` hits (fewer when the collection has fewer rows).
    public func search(collection: String, vectors: [[Float]], k: Int, filter: String? = nil) async throws -> [[MilvusHit]] {
        guard !vectors.isEmpty else { return [] }
        guard k > 0 else { throw MilvusError.invalidArgument(operation: "search", reason: "k = \(k) is not positive") }
        var placeholder = Milvus_Proto_Common_PlaceholderValue()
        placeholder.tag = "$0"
        placeholder.type = .floatVector
        placeholder.values = vectors.map(FieldData.bytes)
        var group = Milvus_Proto_Common_PlaceholderGroup()
        group.placeholders = [placeholder]

        var request = Milvus_Proto_Milvus_SearchRequest()
        request.collectionName = collection
        request.dsl = filter ?? ""
        request.dslType = .boolExprV1
        request.placeholderGroup = try group.serializedData()
        request.outputFields = [MilvusImageSchema.pathField]
        request.nq = Int64(vectors.count)
        request.consistencyLevel = .strong
        // pymilvus's encoding: every value JSON ("topk": 5, "anns_field": "embedding").
        request.searchParams = [
            keyValue("anns_field", MilvusImageSchema.vectorField), keyValue("topk", String(k)),
            keyValue("params", "{}"), keyValue("round_decimal", "-1"),
        ]
        let response = try await call("search") { s, m, o in try await s.search(request, metadata: m, options: o) }
        try check(response.status, "search")
        return try hits(response.results, queries: vectors.count)
    }

    /// Splits a SearchResultData (all queries' hits one after the other) per query.
    func hits(_ results: Milvus_Proto_Schema_SearchResultData, queries: Int) throws -> [[MilvusHit]] {
        let total = results.scores.count
        let paths: [String]
        if case .strID(let ids)? = results.ids.idField {
            paths = ids.data
        } else if total == 0 {
            paths = []
        } else {
            paths = try FieldData.strings(named: MilvusImageSchema.pathField, in: results.fieldsData, operation: "search")
        }
        let counts = results.topks.map(Int.init)
        guard counts.count == queries, counts.reduce(0, +) == total, paths.count == total else {
            throw MilvusError.unexpectedResponse(
                operation: "search",
                detail: "\(counts.count) result lists for \(queries) queries, \(total) scores, \(paths.count) paths")
        }
        var out = [[MilvusHit]]()
        var start = 0
        for count in counts {
            out.append((start..<start + count).map { MilvusHit(path: paths[$0], distance: results.scores[$0]) })
            start += count
        }
        return out
    }
}
