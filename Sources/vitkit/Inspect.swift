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

    @OptionGroup var vit: ViTOptions

    func run() throws {
        let checkpoint = try vit.open.checkpoint(path)
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
        let statistics = stats ? try InspectStats(checkpoint, tensors: summary.tensors) : nil
        if json {
            guard case .object(var members) = summary.json else { return }
            if let statistics { members = statistics.adding(to: members) }
            if let view {
                members.append(("scheme", .string(view.checkpoint.scheme.id.rawValue)))
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
