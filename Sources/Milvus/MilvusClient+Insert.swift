import MilvusProto

extension MilvusClient {
    /// Inserts one row per path, `batchSize` rows per request; returns how many were inserted.
    ///
    /// `vectors[i]` is the embedding of `paths[i]`; all must have the collection's dimension
    /// (the server says so when they do not). Milvus keeps a second row for a path inserted
    /// twice: use ``upsert(collection:paths:vectors:batchSize:)`` to replace instead.
    @discardableResult
    public func insert(collection: String, paths: [String], vectors: [[Float]], batchSize: Int = 1000) async throws -> Int {
        try await write("insert", collection: collection, paths: paths, vectors: vectors, batchSize: batchSize)
    }

    /// Inserts rows, replacing those whose path is already there; returns how many were written.
    @discardableResult
    public func upsert(collection: String, paths: [String], vectors: [[Float]], batchSize: Int = 1000) async throws -> Int {
        try await write("upsert", collection: collection, paths: paths, vectors: vectors, batchSize: batchSize)
    }

    private func write(_ operation: String, collection: String, paths: [String], vectors: [[Float]], batchSize: Int) async throws -> Int {
        guard paths.count == vectors.count else {
            throw MilvusError.invalidArgument(operation: operation, reason: "\(paths.count) paths but \(vectors.count) vectors")
        }
        guard batchSize > 0 else {
            throw MilvusError.invalidArgument(operation: operation, reason: "batch size \(batchSize) is not positive")
        }
        guard let dimension = vectors.first?.count else { return 0 }
        if let row = vectors.firstIndex(where: { $0.count != dimension }) {
            throw MilvusError.invalidArgument(
                operation: operation, reason: "vector \(row) (\(paths[row])) has \(vectors[row].count) values, vector 0 has \(dimension)")
        }
        if let long = paths.first(where: { $0.utf8.count > MilvusImageSchema.maxPathBytes }) {
            throw MilvusError.invalidArgument(
                operation: operation, reason: "path longer than \(MilvusImageSchema.maxPathBytes) bytes: \(long.prefix(80))...")
        }
        var written = 0
        for start in stride(from: 0, to: paths.count, by: batchSize) {
            let end = min(start + batchSize, paths.count)
            let fields = [
                FieldData.strings(MilvusImageSchema.pathField, paths[start..<end]),
                FieldData.floatVectors(MilvusImageSchema.vectorField, vectors[start..<end], dimension: dimension),
            ]
            let result: Milvus_Proto_Milvus_MutationResult
            if operation == "upsert" {
                var request = Milvus_Proto_Milvus_UpsertRequest()
                request.collectionName = collection
                request.fieldsData = fields
                request.numRows = UInt32(end - start)
                result = try await call(operation) { s, m, o in try await s.upsert(request, metadata: m, options: o) }
            } else {
                var request = Milvus_Proto_Milvus_InsertRequest()
                request.collectionName = collection
                request.fieldsData = fields
                request.numRows = UInt32(end - start)
                result = try await call(operation) { s, m, o in try await s.insert(request, metadata: m, options: o) }
            }
            try check(result.status, operation)
            written += Int(operation == "upsert" ? result.upsertCnt : result.insertCnt)
        }
        return written
    }
}
