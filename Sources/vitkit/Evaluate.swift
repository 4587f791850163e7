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
    @Flag(help: "Replace an existing --errors file.") var force = false
    @Flag(help: "Stop at the first image that cannot be decoded.") var strict = false
    @Flag(help: "Ignore stored tensors that are not part of the graph.") var allowUnused = false
    @OptionGroup var vit: ViTOptions
    @OptionGroup var computeOptions: ComputeOptions

    func validate() throws {
        try NumericOption.positive(batch, "--batch")
        try NumericOption.positive(imageSize, "--image-size")
        try NumericOption.positive(topK, "--top-k")
    }

    func run() throws {
        let model = try vit.vit(checkpoint)
        let dataset = try EvaluationData(path: data)
        let inputs = model.checkpoint.inputFiles + [data] + dataset.items.map(\.path)
        if let out = errors { try OutputGuard.check(out, inputs: inputs, replace: force, output: .file) }  // before running
        let progress = Progress(enabled: isatty(2) == 1)
        var options = Evaluation.Options(batchSize: batch, imageSize: imageSize, topK: topK, strict: strict, allowUnused: allowUnused)
        options.compute = computeOptions.compute
        computeOptions.noteFallback()
        let result = try Evaluation.run(model, data: dataset, options: options, progress: progress.update) { failure in
            progress.clear()
            printError(Terminal.escape("skipped: \(failure.reason)"))
        }
        progress.clear()
        for note in result.labelNotes { printError(Terminal.escape("note: label \(note)")) }
        if let out = errors { try result.writeMisclassified(to: out, inputs: inputs, replace: force) }
        if json {
            print(result.json.prettyText)
        } else {
            printReport(result)
        }
    }

    func printReport(_ r: Evaluation.Result) {
        let m = r.metrics
        let errorsText = r.failures.isEmpty ? "" : ", \(r.failures.count) skipped (could not be decoded)"
        printText("\(m.count) images in \(fixed(r.seconds, 2)) s (\(fixed(r.imagesPerSecond, 1)) images/s)\(errorsText)")
        printText("accuracy        \(fixed(m.accuracy))")
        printText("top-\(m.k) accuracy  \(fixed(m.topKAccuracy))")
        printText("                precision  recall  f1")
        printText("macro           \(fixed(m.precisionMacro))     \(fixed(m.recallMacro))  \(fixed(m.f1Macro))")
        printText("weighted        \(fixed(m.precisionWeighted))     \(fixed(m.recallWeighted))  \(fixed(m.f1Weighted))")
        printText("")
        let rows = m.perClass.map { [String($0.id), $0.label, fixed($0.precision), fixed($0.recall), fixed($0.f1), String($0.support)] }
        for line in TextTable.render(header: ["id", "label", "precision", "recall", "f1", "support"], rows: rows,
                                     rightAligned: [0, 2, 3, 4, 5]) {
            print(line)
        }
        guard m.labels.count <= 20 else {
            printText("\n(confusion matrix of \(m.labels.count) classes: see --json)")
            return
        }
        printText("\nconfusion matrix (rows: true, columns: predicted)")
        let header = [""] + m.labels.map { String($0) }
        let matrix = zip(m.labels, m.confusionMatrix).map { id, row in ["\(id) \(r.labelNames[id])"] + row.map(String.init) }
        for line in TextTable.render(header: header, rows: matrix, rightAligned: Set(1...m.labels.count)) { print(line) }
    }

    /// `v` with `digits` decimals (no Foundation formatting).
    func fixed(_ v: Double, _ digits: Int = 4) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let n = Int((v * scale).rounded())
        let whole = n / Int(scale), frac = String(n % Int(scale))
        return digits == 0 ? "\(whole)" : "\(whole)." + String(repeating: "0", count: digits - frac.count) + frac
    }
}

/// A one-line progress display on stderr (only when it is a terminal).
final class Progress {
    let enabled: Bool
    let start: Double
    var shown = false

    init(enabled: Bool) {
        self.enabled = enabled
        start = Self.now()
    }

    func update(done: Int, total: Int) {
        guard enabled else { return }
        let elapsed = Self.now() - start
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Int((Double(total - done) / rate).rounded()) : 0
        let line = "\r\u{1B}[K\(done)/\(total) images, \(Int(rate.rounded())) images/s, ETA \(eta / 60):\(eta % 60 < 10 ? "0" : "")\(eta % 60)"
        let bytes = Array(line.utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        shown = true
    }

    func clear() {
        guard shown else { return }
        let bytes = Array("\r\u{1B}[K".utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        shown = false
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
