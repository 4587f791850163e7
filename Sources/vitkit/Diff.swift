import ArgumentParser
import VitKit

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two checkpoints tensor by tensor through the ViT graph, across formats.",
        discussion: "Exits 0 when every graph parameter is present in both and agrees within --atol."
    )

    @Argument var a: String
    @Argument var b: String
    @Option(help: "Absolute tolerance.") var atol: Double = 0
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Ignore stored tensors that are not part of the graph.") var allowUnused = false
    @OptionGroup var vit: ViTOptions

    func validate() throws {
        try NumericOption.tolerance(atol, "--atol")
    }

    func run() throws {
        let ca = try vit.vit(a), cb = try vit.vit(b)
        try ca.requireComplete(allowUnused: allowUnused)
        try cb.requireComplete(allowUnused: allowUnused)
        let diff = try CheckpointDiff(ca, cb, atol: atol)
        if json {
            print(diff.json.prettyText)
        } else {
            let rows = diff.entries.map { e in [e.name, e.status.rawValue, e.maxAbsDiff.map { "\($0)" } ?? "-"] }
            for line in TextTable.render(header: ["graph parameter", "status", "max abs diff"], rows: rows) { printText(line) }
            let bad = diff.entries.filter { $0.status != .identical && $0.status != .close }.count
            printText(diff.agrees ? "agree: \(diff.entries.count) tensors within atol \(atol)" : "differ: \(bad) of \(diff.entries.count) tensors")
        }
        if !diff.agrees { throw ExitCode(1) }
    }
}
