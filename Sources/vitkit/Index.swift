import ArgumentParser
import Milvus
import VitKit
import ViTSearch

struct Index: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Embed images and store them in a Milvus collection for image search.",
        discussion: """
        Creates the collection (primary key: the image's absolute path; a FLOAT_VECTOR of the model's dimension; \
        --metric for its index) when it does not exist, and records the checkpoint's SHA-256 and embedding kind \
        in it: indexing into a collection built from another model is refused. Resumable: images already in \
        the collection are skipped, so a re-run after a failure inserts only what is missing. Without --milvus a \
        local milvus-lite (pip install milvus-lite) is started for the run, its data under --data-dir.
        """
    )

    @Argument(help: "Checkpoint (any format).") var checkpoint: String
    @Argument(help: "PNG or JPEG images, or directories of them.") var images: [String]
    @Option(help: "Collection name.") var collection: String
    @Option(help: ArgumentHelp("Similarity metric of a new collection: cosine, l2 or ip.", valueName: "metric"))
    var metric: MilvusMetric = .cosine
    @Option(name: .customLong("output"), help: ArgumentHelp("Embedding: pooler, cls or mean (default: pooler if the checkpoint has one, else cls).", valueName: "kind"))
    var kind: EmbeddingKind?
    @Flag(help: "L2-normalize each embedding.") var normalize = false
    @Option(help: "Images embedded and inserted per batch.") var batch = 32
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var milvusOptions: MilvusOptions
    @OptionGroup var vit: ViTOptions
    @OptionGroup var computeOptions: ComputeOptions
    @OptionGroup var progressOptions: ProgressOptions

    func validate() throws {
        try NumericOption.positive(batch, "--batch")
        guard !images.isEmpty else { throw ValidationError("give at least one image or directory") }
    }

    func run() throws {
        let paths = try ImageFiles.collect(images)
        let model = try vit.vit(checkpoint)
        computeOptions.noteFallback()
        let embedder = try Embedder(checkpoint: model, kind: kind, normalize: normalize, compute: computeOptions.compute)
        printError(Terminal.escape(Embed.describe(embedder)))
        let fingerprint = try ModelFingerprint(embedder: embedder)
        let (name, metric, batch, milvus) = (collection, metric, batch, milvusOptions)
        let inputs = model.checkpoint.inputFiles + paths
        let progress = progressOptions.bar("images")
        let report = try { defer { progress.clear() }
            return try runBlocking {
                try await milvus.withClient(inputs: inputs) { client in
                    try await ImageCollection(client: client, name: name)
                        .index(embedder, fingerprint: fingerprint, images: paths, metric: metric, batchSize: batch,
                               progress: { progress.update(done: $0, total: $1) })
                }
            }
        }()
        if json {
            print(JSON.object([
                ("collection", .string(name)), ("images", .number(String(report.images))),
                ("already_indexed", .number(String(report.alreadyIndexed))), ("inserted", .number(String(report.inserted))),
                ("created", .bool(report.created)), ("embedding", .string(fingerprint.embedding)),
                ("dimension", .number(String(fingerprint.dimension))), ("checkpoint_sha256", .string(fingerprint.sha256)),
                ("embed_seconds", .number(String(report.embedSeconds))), ("insert_seconds", .number(String(report.insertSeconds))),
            ]).prettyText)
        } else {
            let created = report.created ? " (created)" : ""
            printText("collection '\(name)'\(created): \(report.inserted) images inserted, \(report.alreadyIndexed) already there"
                + " (embedding \(Self.format(report.embedSeconds)) s, insert \(Self.format(report.insertSeconds)) s)")
        }
    }

    static func format(_ seconds: Double) -> String { String(Double(Int((seconds * 100).rounded())) / 100) }
}
