import ArgumentParser
import Milvus
import VitKit
import ViTSearch

struct Search: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find the stored images nearest to query images in a collection made by `vitkit index`.",
        discussion: """
        `vitkit search CHECKPOINT IMAGE... --collection NAME` embeds each query as the collection was built \
        (same checkpoint, same --output / --normalize) and prints its k nearest stored images with Milvus's \
        distance (cosine and ip: larger is nearer; l2: squared distance, smaller is nearer). \
        --json: {"collection", "k", "results": [{"image", "hits": [{"path", "distance"}]}]}. \
        `vitkit search --collection NAME --drop` removes the collection.
        """
    )

    @Argument(help: "Checkpoint, then query images (none with --drop).") var arguments: [String] = []
    @Option(help: "Collection name.") var collection: String
    @Option(name: .short, help: "Hits per query image.") var k = 10
    @Flag(help: "Remove the collection instead of searching it.") var drop = false
    @Option(name: .customLong("output"), help: ArgumentHelp("Embedding the collection was built with: pooler, cls or mean.", valueName: "kind"))
    var kind: EmbeddingKind?
    @Flag(help: "L2-normalize the query embeddings (as the collection's were).") var normalize = false
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var milvusOptions: MilvusOptions
    @OptionGroup var vit: ViTOptions
    @OptionGroup var computeOptions: ComputeOptions

    func validate() throws {
        if drop {
            guard arguments.isEmpty else { throw ValidationError("--drop takes no checkpoint or images") }
        } else {
            guard arguments.count >= 2 else { throw ValidationError("give a checkpoint and at least one query image (or --drop)") }
            guard (1...16384).contains(k) else { throw ValidationError("-k must be in 1...16384, found \(k)") }
        }
    }

    func run() throws {
        let (name, milvus) = (collection, milvusOptions)
        if drop {
            let existed = try runBlocking { try await milvus.withClient { try await ImageCollection(client: $0, name: name).drop() } }
            guard existed else { throw SearchError.unknownCollection(name) }
            printText("dropped collection '\(name)'")
            return
        }
        let queries = try ImageFiles.collect(Array(arguments.dropFirst()))
        let model = try vit.vit(arguments[0])
        computeOptions.noteFallback()
        let embedder = try Embedder(checkpoint: model, kind: kind, normalize: normalize, compute: computeOptions.compute)
        let fingerprint = try ModelFingerprint(embedder: embedder)
        let k = k
        let inputs = model.checkpoint.inputFiles + queries
        let results = try runBlocking {
            try await milvus.withClient(inputs: inputs) { client in
                try await ImageCollection(client: client, name: name).search(embedder, fingerprint: fingerprint, images: queries, k: k)
            }
        }
        if json {
            let items = results.map { r in
                JSON.object([("image", .string(r.image)), ("hits", .array(r.hits.map {
                    JSON.object([("path", .string($0.path)), ("distance", .number(String($0.distance)))])
                }))])
            }
            print(JSON.object([("collection", .string(name)), ("k", .number(String(k))), ("results", .array(items))]).prettyText)
            return
        }
        for r in results {
            printText(r.image)
            for (i, hit) in r.hits.enumerated() { printText("  \(i + 1). \(hit.distance)  \(hit.path)") }
        }
    }
}
