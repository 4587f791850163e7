import Foundation
import MilvusProto
import SwiftProtobuf

extension MilvusClient {
    /// Whether a collection of that name exists.
    public func hasCollection(_ name: String) async throws -> Bool {
        var request = Milvus_Proto_Milvus_HasCollectionRequest()
        request.collectionName = name
        let response = try await call("has collection") { s, m, o in
            try await s.hasCollection(request, metadata: m, options: o)
        }
        try check(response.status, "has collection")
        return response.value
    }

    /// Creates an image collection (see ``MilvusImageSchema``) and its vector index.
    ///
    /// - Parameters:
    ///   - dimension: length of every embedding (1 to 32768).
    ///   - metric: the similarity metric searches use.
    ///   - index: the vector index built on `embedding`.
    /// - Throws: ``MilvusError``; the server's reason when the collection exists already.
    public func createCollection(
        _ name: String, dimension: Int, metric: MilvusMetric = .cosine, index: MilvusIndex = .autoIndex,
        description: String = ""
    ) async throws {
        guard (1...32768).contains(dimension) else {
            throw MilvusError.invalidArgument(operation: "create collection", reason: "dimension \(dimension) is not in 1...32768")
        }
        var request = Milvus_Proto_Milvus_CreateCollectionRequest()
        request.collectionName = name
        request.schema = try imageSchema(name: name, dimension: dimension, description: description).serializedData()
        request.shardsNum = 1
        request.consistencyLevel = .strong
        // milvus-lite 3.2 drops schema descriptions; collection properties it keeps.
        if !description.isEmpty { request.properties = [keyValue(MilvusImageSchema.descriptionProperty, description)] }
        let status = try await call("create collection") { s, m, o in
            try await s.createCollection(request, metadata: m, options: o)
        }
        try check(status, "create collection")

        var indexRequest = Milvus_Proto_Milvus_CreateIndexRequest()
        indexRequest.collectionName = name
        indexRequest.fieldName = MilvusImageSchema.vectorField
        indexRequest.indexName = MilvusImageSchema.vectorField
        indexRequest.extraParams = [
            keyValue("index_type", index.type), keyValue("metric_type", metric.rawValue),
            keyValue("params", index.parameters),
        ]
        let indexStatus = try await call("create index") { s, m, o in
            try await s.createIndex(indexRequest, metadata: m, options: o)
        }
        try check(indexStatus, "create index")
    }

    /// The description, dimension and metric of an image collection.
    ///
    /// - Throws: ``MilvusError/server(operation:code:reason:)`` for an unknown collection;
    ///   ``MilvusError/unexpectedResponse(operation:detail:)`` when the collection has no
    ///   VARCHAR `path` and FLOAT_VECTOR `embedding` fields.
    public func describeCollection(_ name: String) async throws -> MilvusCollectionInfo {
        var request = Milvus_Proto_Milvus_DescribeCollectionRequest()
        request.collectionName = name
        let response = try await call("describe collection") { s, m, o in
            try await s.describeCollection(request, metadata: m, options: o)
        }
        try check(response.status, "describe collection")
        let fields = response.schema.fields
        guard fields.contains(where: { $0.name == MilvusImageSchema.pathField && $0.dataType == .varChar }),
              let vector = fields.first(where: { $0.name == MilvusImageSchema.vectorField && $0.dataType == .floatVector }),
              let dimension = vector.typeParams.first(where: { $0.key == "dim" }).flatMap({ Int($0.value) })
        else {
            let found = fields.map { "\($0.name) (\($0.dataType))" }.joined(separator: ", ")
            throw MilvusError.unexpectedResponse(
                operation: "describe collection",
                detail: "\(name) is not an image collection (a VARCHAR path and a FLOAT_VECTOR embedding with dim); its fields: \(found)")
        }
        let stored = response.properties.first { $0.key == MilvusImageSchema.descriptionProperty }?.value
        let description = response.schema.description_p.isEmpty ? stored ?? "" : response.schema.description_p
        var info = MilvusCollectionInfo(name: name, description: description, dimension: dimension, metric: nil, indexType: nil)

        var indexRequest = Milvus_Proto_Milvus_DescribeIndexRequest()
        indexRequest.collectionName = name
        indexRequest.fieldName = MilvusImageSchema.vectorField
        let index = try await call("describe index") { s, m, o in
            try await s.describeIndex(indexRequest, metadata: m, options: o)
        }
        // No index is not an error here: Milvus answers IndexNotExist (legacy 25 / 11, code 700).
        if index.status.code == 0 && index.status.errorCode == .success,
           let description = index.indexDescriptions.first(where: { $0.fieldName == MilvusImageSchema.vectorField }) {
            let parameters = Dictionary(description.params.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            info.indexType = parameters["index_type"]
            info.metric = parameters["metric_type"].flatMap { MilvusMetric(rawValue: $0.uppercased()) }
        }
        return info
    }

    /// Deletes a collection and its data.
    public func dropCollection(_ name: String) async throws {
        var request = Milvus_Proto_Milvus_DropCollectionRequest()
        request.collectionName = name
        let status = try await call("drop collection") { s, m, o in
            try await s.dropCollection(request, metadata: m, options: o)
        }
        try check(status, "drop collection")
    }

    /// Loads a collection into memory (needed before search and query) and waits until it is loaded.
    public func load(_ name: String) async throws {
        var request = Milvus_Proto_Milvus_LoadCollectionRequest()
        request.collectionName = name
        let status = try await call("load") { s, m, o in
            try await s.loadCollection(request, metadata: m, options: o)
        }
        try check(status, "load")
        var stateRequest = Milvus_Proto_Milvus_GetLoadStateRequest()
        stateRequest.collectionName = name
        let deadline = ContinuousClock.now + timeout
        while true {
            let state = try await call("load") { s, m, o in
                try await s.getLoadState(stateRequest, metadata: m, options: o)
            }
            try check(state.status, "load")
            switch state.state {
            case .loaded: return
            case .notExist:
                throw MilvusError.server(operation: "load", code: 100, reason: "collection \(name) does not exist")
            default:
                guard ContinuousClock.now < deadline else {
                    throw MilvusError.rpc(operation: "load", address: address, code: "deadline exceeded",
                                          message: "\(name) still loading after \(timeout)")
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Makes what was inserted durable (seals the collection's growing segments).
    public func flush(_ name: String) async throws {
        var request = Milvus_Proto_Milvus_FlushRequest()
        request.collectionNames = [name]
        let response = try await call("flush") { s, m, o in
            try await s.flush(request, metadata: m, options: o)
        }
        try check(response.status, "flush")
    }

    func imageSchema(name: String, dimension: Int, description: String) -> Milvus_Proto_Schema_CollectionSchema {
        var path = Milvus_Proto_Schema_FieldSchema()
        path.name = MilvusImageSchema.pathField
        path.dataType = .varChar
        path.isPrimaryKey = true
        path.autoID = false
        path.description_p = "image path"
        path.typeParams = [keyValue("max_length", String(MilvusImageSchema.maxPathBytes))]
        var vector = Milvus_Proto_Schema_FieldSchema()
        vector.name = MilvusImageSchema.vectorField
        vector.dataType = .floatVector
        vector.description_p = "image embedding"
        vector.typeParams = [keyValue("dim", String(dimension))]
        var schema = Milvus_Proto_Schema_CollectionSchema()
        schema.name = name
        schema.description_p = description
        schema.fields = [path, vector]
        schema.enableDynamicField = false
        return schema
    }
}

func keyValue(_ key: String, _ value: String) -> Milvus_Proto_Common_KeyValuePair {
    var pair = Milvus_Proto_Common_KeyValuePair()
    pair.key = key
    pair.value = value
    return pair
}
