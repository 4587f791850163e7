import ArgumentParser
import VitKit
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

extension EmbeddingKind: ExpressibleByArgument {}

struct Embed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write image embeddings (pooler output, CLS state or mean token) to .npy or JSON lines.",
        discussion: """
        -o FILE.npy writes a float32 [n, dim] array and FILE.npy.paths.json ({"output", "normalized", "dimension", \
        "paths"}: the images in row order); -o FILE.jsonl writes one {"path": ..., "embedding": [...]} per line. \
        Directories are searched recursively for .png/.jpg/.jpeg files (sorted by name bytes, hidden entries \
        skipped). Default --output: pooler when the checkpoint has one, else cls; mean averages every token of the \
        final layer-normed last_hidden_state. --normalize divides each row by its L2 norm; a zero row stays zero \
        (noted on stderr).
        """
    )

    @Argument(help: "Checkpoint (any format).") var checkpoint: String
    @Argument(help: "PNG or JPEG images, or directories of them.") var images: [String]
    @Option(name: .customShort("o"), help: ArgumentHelp("Output file: .npy (+ .paths.json sidecar) or .jsonl.", valueName: "file"))
    var outputFile: String
    @Option(name: .customLong("output"), help: ArgumentHelp("Embedding: pooler, cls or mean (default: pooler if the checkpoint has one, else cls).", valueName: "kind"))
    var kind: EmbeddingKind?
    @Flag(help: "L2-normalize each embedding.") var normalize = false
    @Option(help: "Images per forward pass.") var batch = 8
    @Option(help: "Run at this square resolution (position embeddings interpolated).") var imageSize: Int?
    @Flag(help: "Replace existing output files.") var force = false
    @Flag(help: "Ignore stored tensors that are not part of the graph.") var allowUnused = false
    @OptionGroup var vit: ViTOptions
    @OptionGroup var computeOptions: ComputeOptions
    @OptionGroup var progressOptions: ProgressOptions

    func validate() throws {
        try NumericOption.positive(batch, "--batch")
        try NumericOption.positive(imageSize, "--image-size")
        guard !images.isEmpty else { throw ValidationError("give at least one image or directory") }
    }

    func run() throws {
        _ = try EmbeddingWriter.Format(path: outputFile)  // a bad name fails before anything is read
        let paths = try ImageFiles.collect(images)
        let model = try vit.vit(checkpoint)
        let inputs = model.checkpoint.inputFiles + paths
        try EmbeddingWriter.check(outputFile, inputs: inputs, replace: force)  // before the weights load
        computeOptions.noteFallback()
        let embedder = try Embedder(checkpoint: model, kind: kind, normalize: normalize, imageSize: imageSize,
                                    allowUnused: allowUnused, compute: computeOptions.compute)
        printError(Terminal.escape(Self.describe(embedder)))
        let progress = progressOptions.bar("images")
        let summary = try embedder.write(paths: paths, to: outputFile, inputs: inputs,
                                         replace: force, batchSize: batch, progress: progress.update)
        progress.clear()
        for image in summary.zeroImages { printError(Terminal.escape("note: \(image): the embedding is all zeros; left zero by --normalize")) }
        let sidecar = summary.files.count > 1 ? " (paths in \(summary.files[1]))" : ""
        printText("wrote \(summary.count) x \(summary.dimension) \(summary.kind.rawValue) embeddings to \(summary.files[0])\(sidecar)")
    }

    /// The stderr line saying which embedding is written (and why, when it is the default).
    static func describe(_ e: Embedder) -> String {
        let k = e.kind
        var line = "embedding: \(k.rawValue) (\(k.summary)), \(e.dimension) values per image"
        if e.normalize { line += ", L2-normalized" }
        if e.kindIsDefault {
            line += e.pipeline.checkpoint.config.hasPooler
                ? "; the default: the checkpoint has a pooler (--output cls|mean for the others)"
                : "; the default: the checkpoint has no pooler (--output mean for the token mean)"
        }
        return line
    }
}
