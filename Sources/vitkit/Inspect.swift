import ArgumentParser
import Checkpoints
import Tensors

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List a checkpoint's tensors, shapes, dtypes, parameter counts, metadata and config.",
        discussion: "Validates the whole container (every declared size against the file) without reading tensor data."
    )

    @Argument(help: "A checkpoint file (.safetensors, .npz, .npy, .h5) or a Hugging Face model directory.")
    var path: String

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    @Option(help: "Only list tensors whose name contains this text (or matches it as a glob with * and ?).")
    var filter: String?

    @OptionGroup var open: OpenOptions

    func run() throws {
        let checkpoint = try open.checkpoint(path)
        let summary = CheckpointSummary(checkpoint, filter: filter)
        if json {
            print(summary.json.prettyText)
        } else {
            print(SummaryTable.render(summary))
        }
    }
}
