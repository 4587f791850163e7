import MilvusProto

/// A stored row: an image path and, when asked for, its embedding.
public struct MilvusRecord: Sendable, Equatable {
    /// The image path (the primary key).
    public var path: String
    /// The embedding; nil unless the query asked for vectors.
    public var vector: [Float]?

    /// A row of `path` with its embedding, if known.
    public init(path: String, vector: [Float]? = nil) {
        self.path = path
        self.vector = vector
    }
}

extension MilvusClient {
    /// The rows matching a Milvus boolean expression (e.g. `path like "a/%"`), in no set order.
    ///
    /// The collection must be loaded. `limit` caps the rows returned (Milvus's own cap is
    /// 16384 without one); `vectors` also returns each row's embedding.
    public func query(collection: String, filter: String, limit: Int? = nil, vectors: Bool = false) async throws -> [MilvusRecord] {
        var request = Milvus_Proto_Milvus_QueryRequest()
        request.collectionName = collection
        request.expr = filter
        request.outputFields = vectors ? [MilvusImageSchema.pathField, MilvusImageSchema.vectorField] : [MilvusImageSchema.pathField]
        request.consistencyLevel = .strong
        if let limit { request.queryParams = [keyValue("limit", String(limit))] }
        let response = try await call("query") { s, m, o in try await s.query(request, metadata: m, options: o) }
        try check(response.status, "query")
        let paths = try FieldData.strings(named: MilvusImageSchema.pathField, in: response.fieldsData, operation: "query")
        guard vectors else { return paths.map { MilvusRecord(path: $0) } }
        let rows = try FieldData.floatVectors(named: MilvusImageSchema.vectorField, in: response.fieldsData, operation: "query")
        guard rows.count == paths.count else {
            throw MilvusError.unexpectedResponse(operation: "query", detail: "\(paths.count) paths but \(rows.count) vectors")
        }
        return zip(paths, rows).map { MilvusRecord(path: $0, vector: $1) }
    }

    /// Which of `paths` the collection holds, asking `batchSize` paths at a time
    /// (`path in [...]` filters stay small). The collection must be loaded.
    public func existingPaths(collection: String, among paths: [String], batchSize: Int = 256) async throws -> Set<String> {
        guard batchSize > 0 else {
            throw MilvusError.invalidArgument(operation: "query", reason: "batch size \(batchSize) is not positive")
        }
        var found = Set<String>()
        for start in stride(from: 0, to: paths.count, by: batchSize) {
            let batch = paths[start..<min(start + batchSize, paths.count)]
            let rows = try await query(collection: collection, filter: FieldData.pathFilter(batch))
            found.formUnion(rows.map(\.path))
        }
        return found
    }

    /// Deletes the rows of `paths`, `batchSize` paths per request; returns how many the server
    /// reports deleted (paths not there count 0 on Milvus, milvus-lite may count them).
    @discardableResult
    public func delete(collection: String, paths: [String], batchSize: Int = 256) async throws -> Int {
        guard batchSize > 0 else {
            throw MilvusError.invalidArgument(operation: "delete", reason: "batch size \(batchSize) is not positive")
        }
        var deleted = 0
        for start in stride(from: 0, to: paths.count, by: batchSize) {
            var request = Milvus_Proto_Milvus_DeleteRequest()
            request.collectionName = collection
            request.expr = FieldData.pathFilter(paths[start..<min(start + batchSize, paths.count)])
            request.consistencyLevel = .strong
            let result = try await call("delete") { s, m, o in try await s.delete(request, metadata: m, options: o) }
            try check(result.status, "delete")
            deleted += Int(result.deleteCnt)
        }
        return deleted
    }
}
