import ArgumentParser
import VitKit

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a checkpoint's ViT layer view, naming scheme and config, then its raw tensors.",
        discussion: """
        Validates the whole container (every declared size against the file) without reading tensor data.
        Files that are not ViT checkpoints (any .h5, .npz, ...) are listed without the layer view.
        """
    )

    @Argument(help: "A checkpoint file (.safetensors, .npz, .npy, .h5) or a Hugging Face model directory.")
    var path: String

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    @Option(help: "Only list tensors whose name contains this text (or matches it as a glob with * and ?).")
    var filter: String?

    @Flag(help: "Per-tensor min, max, mean, std, NaN/Inf and zero counts (reads every listed tensor once), and flags for suspicious tensors.")
    var stats = false

    @Option(help: ArgumentHelp("Draw the weight histogram of this tensor (or of every tensor matching a glob, one chart each) into -o.",
                               valueName: "name"))
    var histogram: String?

    @Option(help: ArgumentHelp("Bins per histogram.", valueName: "n"))
    var bins = 64

    @Option(name: .shortAndLong, help: ArgumentHelp("The PNG file --histogram writes.", valueName: "file.png"))
    var output: String?

    @Flag(help: "Replace an existing -o file.")
    var force = false

    @Option(help: ArgumentHelp("TrueType font for the histogram text.", valueName: "file.ttf"))
    var font = PNGFile.defaultFontPath

    @Option(help: ArgumentHelp("Compare with another checkpoint of the same architecture (e.g. a fine-tune against its base): per graph part, how many tensors changed and ‖A − B‖ / ‖B‖.",
                               valueName: "B"))
    var compare: String?

    @OptionGroup var vit: ViTOptions
    @OptionGroup var progressOptions: ProgressOptions

    func validate() throws {
        guard (histogram == nil) == (output == nil) else { throw ValidationError("--histogram NAME and -o FILE.png go together") }
        guard (1...1024).contains(bins) else { throw ValidationError("--bins must be 1 to 1024, found \(bins)") }
    }

    func run() throws {
        if let compare {
            return try InspectCompare.run(vit.vit(path), vit.vit(compare), json: json)
        }
        let checkpoint = try vit.open.checkpoint(path)
        if let histogram, let output {
            let chart = try HistogramChart(checkpoint, tensors: histogram, bins: bins, fontPath: font)
            try chart.write(to: output, inputs: checkpoint.inputFiles, replace: force)
            printError("wrote \(Terminal.escape(output)): \(chart.panels.count) histogram\(chart.panels.count == 1 ? "" : "s")")
        }
        let summary = CheckpointSummary(checkpoint, filter: filter)
        let options = ViTCheckpoint.Options(scheme: vit.scheme, heads: vit.heads, limits: vit.limits)
        let mapped: Result<ViTCheckpoint, ViTError> = Result { () throws(ViTError) in
            try ViTCheckpoint(checkpoint: checkpoint, options: options)
        }
        let view = (try? mapped.get()).map(ViTInspection.init)
        Notes.print(checkpoint)
        if let view, let note = Notes.config(view.checkpoint) { printError(note) }
        if let view, let note = Notes.qkvBias(view.checkpoint) { printError(note) }
        // Why there is no layer view, when the container holds tensors but none maps to a ViT.
        let viewError: String? = if case .failure(let e) = mapped, !checkpoint.source.tensors.isEmpty { HintedError(e)?.description ?? e.description } else { nil }
        let statistics = stats ? try InspectStats(checkpoint, tensors: summary.tensors, progress: progressOptions.bar("tensors")) : nil
        if json {
            guard case .object(var members) = summary.json else { return }
            if let statistics { members = statistics.adding(to: members) }
            if let view {
                members.append(("scheme", .string(view.checkpoint.scheme.id.rawValue)))
                if let depth = view.checkpoint.scannedDepth { members.append(("scanned_depth", .int(depth))) }
                members.append(("vit_config", view.checkpoint.config.json))
                members.append(("config_origin", .string(view.checkpoint.configOrigin)))
                members.append(("config_inferred", .array(view.checkpoint.inferredConfigKeys.map { JSON.string($0) })))
                members.append(("graph", view.graph.json))
                members.append(("mapping", view.checkpoint.report.json))
                if summary.config == nil { members.append(("config", view.checkpoint.config.huggingFaceFamilyJSON())) }
            }
            if let viewError { members.append(("vit_error", .string(viewError))) }
            print(JSON.object(members).prettyText)
        } else {
            if let view { printText(view.text) ; printText("") }
            if let viewError { printText("no ViT layer view: \(viewError)\n") }
            SummaryTable.write(summary) { print($0, terminator: "") }  // cells escaped by TextTable
            if let statistics {
                printText("\nstatistics (finite values; std as numpy's, ddof=0):")
                statistics.write { printText(String(decoding: $0, as: UTF8.self)) }
            }
        }
    }
}
