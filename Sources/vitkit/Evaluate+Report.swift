import VitKit

extension Evaluate {
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

    func printComparison(_ c: Evaluation.Comparison) {
        let m = c.other.metrics
        printText("\ncompared with \(c.otherCheckpoint)")
        printText("accuracy        \(fixed(m.accuracy))")
        printText("top-\(m.k) accuracy  \(fixed(m.topKAccuracy))")
        printText("macro f1        \(fixed(m.f1Macro))")
        printText("predictions that differ: \(c.differences.count) of \(c.result.metrics.count)")
        printText("max |Δ logit|: \(c.maxAbsLogitDifference) (atol \(c.atol))")
        let names = c.result.labelNames
        for d in c.differences {
            printText("  \(d.path): \(names[d.predictedID]) -> \(names[d.otherPredictedID])")
        }
    }
}
