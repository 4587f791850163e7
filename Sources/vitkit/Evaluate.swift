import ArgumentParser
import VitKit
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A classifier's accuracy, precision, recall and F1 on labelled images (as scikit-learn computes them).",
        discussion: """
        DATA is an image folder with one sub-folder per class (sub-folder names are labels), a CSV manifest \
        with a path,label header, or a JSON-lines manifest of {"path": ..., "label": ...}; manifest paths are \
        relative to the manifest, labels are names or integer ids. Images that cannot be decoded are reported, \
        counted in errors and skipped (--strict: fatal).
        """
    )

    @Argument(help: "Checkpoint with a classifier (any format).") var checkpoint: String
    @Argument(help: "Image folder, CSV or JSON-lines manifest.") var data: String
    @Option(help: "Images per forward pass.") var batch = 8
    @Option(help: "Run at this square resolution (position embeddings interpolated).") var imageSize: Int?
    @Option(help: "K of the top-K accuracy (capped at the label count).") var topK = 5
    @Flag(help: "Print JSON.") var json = false
    @Option(help: ArgumentHelp("Write every misclassified image as CSV (path,true_label,predicted_label,probability).", valueName: "file.csv"))
    var errors: String?
    @Option(help: ArgumentHelp("Draw the confusion matrix as a PNG heat map.", valueName: "file.png")) var plot: String?
    @Option(help: ArgumentHelp("TrueType font for --plot.", valueName: "file.ttf")) var font = ConfusionMatrixPlot.defaultFontPath
    @Option(help: ArgumentHelp("Also run this checkpoint on every image and compare (exit status 1 when a prediction differs or a logit differs by more than --atol).", valueName: "checkpoint"))
    var compare: String?
    @Option(help: "Largest |logit difference| --compare accepts.") var atol = 1e-4
    @Flag(help: "Replace an existing --errors or --plot file.") var force = false
    @Flag(help: "Decode the next batch only after the forward pass (no overlap; for measurements).") var sequential = false
    @Option(help: "Images of a batch decoded in parallel (default: one per processor).") var decodeThreads: Int?
    @Flag(help: "Stop at the first image that cannot be decoded.") var strict = false
    @Flag(help: "Ignore stored tensors that are not part of the graph.") var allowUnused = false
    @OptionGroup var vit: ViTOptions
    @OptionGroup var computeOptions: ComputeOptions
    @OptionGroup var processorOption: ProcessorOption
    @OptionGroup var progressOptions: ProgressOptions

    func validate() throws {
        try NumericOption.positive(batch, "--batch")
        try NumericOption.positive(imageSize, "--image-size")
        try NumericOption.positive(topK, "--top-k")
        try NumericOption.tolerance(atol, "--atol")
        try NumericOption.positive(decodeThreads, "--decode-threads")
    }

    func run() throws {
        let model = try vit.vit(checkpoint)
        let other = try compare.map { try vit.vit($0) }
        let dataset = try EvaluationData(path: data)
        let inputs = model.checkpoint.inputFiles + (other?.checkpoint.inputFiles ?? []) + [data] + dataset.items.map(\.path)
            + (plot != nil ? [font] : [])
        // Outputs (distinct files, none an input) and the font are checked before anything runs.
        try OutputGuard.check([errors, plot].compactMap { $0 }, inputs: inputs, replace: force, output: .file)
        if plot != nil { try ConfusionMatrixPlot.checkFont(font) }
        let progress = progressOptions.bar("images")
        let skipped: (Evaluation.Failure) -> Void = { failure in
            progress.clear()
            printError(Terminal.escape("skipped: \(failure.reason)"))
        }
        var options = Evaluation.Options(batchSize: batch, imageSize: imageSize, topK: topK, strict: strict,
                                         allowUnused: allowUnused, overlap: !sequential, decodeThreads: decodeThreads)
        options.compute = computeOptions.compute
        options.processor = processorOption.processor
        computeOptions.noteFallback()
        let comparison = try other.map {
            try Evaluation.compare(model, with: $0, data: dataset, options: options, atol: atol, progress: progress.update,
                                   failure: skipped)
        }
        let result = try comparison?.result ?? Evaluation.run(model, data: dataset, options: options, progress: progress.update,
                                                              failure: skipped)
        progress.clear()
        for note in result.labelNotes { printError(Terminal.escape("note: label \(note)")) }
        if let out = errors { try result.writeMisclassified(to: out, inputs: inputs, replace: force) }
        if let out = plot {
            try ConfusionMatrixPlot(result, name: FileSystem.baseName(of: checkpoint), fontPath: font)
                .write(to: out, inputs: inputs, replace: force)
        }
        if json {
            print((comparison?.json ?? result.json).prettyText)
        } else {
            printReport(result)
            if let c = comparison { printComparison(c) }
        }
        if let c = comparison, !c.passed {
            printError(Terminal.escape(c.summary))
            throw ExitCode(1)
        }
    }
}
