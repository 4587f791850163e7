import Tensors

extension Evaluation.Result {
    /// The `evaluate --json` document: `images`, `accuracy`, `top_k_accuracy`, `k`, the macro
    /// and weighted precision/recall/F1, `per_class`, `labels` (the confusion matrix's label
    /// names, in id order), `confusion_matrix` (rows = true), `errors`, `seconds`,
    /// `images_per_second`.
    public var json: JSON {
        let m = metrics
        return .object([
            ("images", .int(m.count)),
            ("accuracy", .double(m.accuracy)),
            ("top_k_accuracy", .double(m.topKAccuracy)),
            ("k", .int(m.k)),
            ("precision_macro", .double(m.precisionMacro)),
            ("recall_macro", .double(m.recallMacro)),
            ("f1_macro", .double(m.f1Macro)),
            ("precision_weighted", .double(m.precisionWeighted)),
            ("recall_weighted", .double(m.recallWeighted)),
            ("f1_weighted", .double(m.f1Weighted)),
            ("per_class", .array(m.perClass.map {
                .object([("label", .string($0.label)), ("id", .int($0.id)), ("precision", .double($0.precision)),
                         ("recall", .double($0.recall)), ("f1", .double($0.f1)), ("support", .int($0.support))])
            })),
            ("labels", .array(m.labels.map { .string(labelNames[$0]) })),
            ("confusion_matrix", .array(m.confusionMatrix.map { .array($0.map { .int($0) }) })),
            ("errors", .int(failures.count)),
            ("seconds", .double(seconds)),
            ("images_per_second", .double(imagesPerSecond)),
        ])
    }

    /// Every misclassified image as CSV: `path,true_label,predicted_label,probability`
    /// (the predicted class's softmax probability), fields quoted when they need it.
    public var misclassifiedCSV: String {
        var out = "path,true_label,predicted_label,probability\n"
        for p in misclassified {
            out += [p.path, labelNames[p.trueID], labelNames[p.predictedID], String(p.probability)].map(Self.csvField)
                .joined(separator: ",") + "\n"
        }
        return out
    }

    /// Writes `misclassifiedCSV` atomically, after `OutputGuard` has checked `path`: never
    /// one of `inputs` (checkpoint files, manifest, images), never a device or FIFO, an
    /// existing file only when `replace`.
    ///
    /// - Throws: `CheckpointError.io` naming `path`.
    public func writeMisclassified(to path: String, inputs: [String], replace: Bool) throws(CheckpointError) {
        try OutputGuard.check(path, inputs: inputs, replace: replace, output: .file)
        let w = try AtomicFileWriter(destination: path)
        try w.write(Array(misclassifiedCSV.utf8))
        try w.commit()
    }

    static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}
