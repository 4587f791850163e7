/// Classification metrics exactly as scikit-learn defines them, in Double.
///
/// `labels` is `sorted(set(y_true) | set(y_pred))` (the ids present in the data or
/// predicted); per-class values, the macro and weighted averages and the confusion matrix
/// are over those labels, as `precision_recall_fscore_support(y_true, y_pred,
/// labels=labels, zero_division=0)` and `confusion_matrix(y_true, y_pred, labels=labels)`
/// compute them: precision `tp / predicted`, recall `tp / support`, F1
/// `2 tp / (support + predicted)`, each 0 when its denominator is 0; macro the plain mean,
/// weighted the mean weighted by support. Top-K accuracy is `top_k_accuracy_score(y_true,
/// scores, k=K, labels=range(labelCount))`, K capped at the label count.
public struct ClassificationMetrics: Sendable {
    /// One class's row of the report.
    public struct PerClass: Sendable {
        /// The model's name for the class.
        public var label: String
        /// The class id (its index in `id2label`).
        public var id: Int
        /// True positives over predicted positives (0 when nothing was predicted as it).
        public var precision: Double
        /// True positives over its support (0 without support).
        public var recall: Double
        /// Harmonic mean of precision and recall (0 when both are 0).
        public var f1: Double
        /// Images whose true class this is.
        public var support: Int
    }

    /// Images evaluated.
    public let count: Int
    /// Fraction of images whose predicted class is the true one.
    public let accuracy: Double
    /// K of `topKAccuracy` (after capping at the label count).
    public let k: Int
    /// Fraction of images whose true class is among the `k` highest logits.
    public let topKAccuracy: Double
    /// Unweighted means over the classes of the confusion matrix (scikit-learn `average="macro"`).
    public let precisionMacro: Double, recallMacro: Double, f1Macro: Double
    /// Means weighted by each class's support (scikit-learn `average="weighted"`).
    public let precisionWeighted: Double, recallWeighted: Double, f1Weighted: Double
    /// The class ids of `perClass` and of the confusion matrix's rows and columns, ascending.
    public let labels: [Int]
    /// One entry per class of the confusion matrix, in id order.
    public let perClass: [PerClass]
    /// `confusionMatrix[t][p]`: images of true class `labels[t]` predicted as `labels[p]`.
    public let confusionMatrix: [[Int]]

    /// - Parameters:
    ///   - trueIDs, predictedIDs: class ids per image, same length, each in `labelNames.indices`.
    ///   - trueRanks: per image, the rank of the true class among the scores (0 = the
    ///     highest; see `rank(of:in:)`), for top-K accuracy.
    ///   - labelNames: the model's labels by id.
    ///   - k: top-K (capped at `labelNames.count`, at least 1).
    public init(trueIDs: [Int], predictedIDs: [Int], trueRanks: [Int], labelNames: [String], k: Int = 5) {
        precondition(trueIDs.count == predictedIDs.count && trueIDs.count == trueRanks.count, "one value per image")
        let n = trueIDs.count
        count = n
        let classes = labelNames.count
        var present = [Bool](repeating: false, count: classes)
        for i in trueIDs { present[i] = true }
        for i in predictedIDs { present[i] = true }
        labels = present.indices.filter { present[$0] }
        var position = [Int](repeating: -1, count: classes)
        for (p, id) in labels.enumerated() { position[id] = p }
        var matrix = [[Int]](repeating: [Int](repeating: 0, count: labels.count), count: labels.count)
        for (t, p) in zip(trueIDs, predictedIDs) { matrix[position[t]][position[p]] += 1 }
        confusionMatrix = matrix

        let correct = zip(trueIDs, predictedIDs).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
        accuracy = n == 0 ? 0 : Double(correct) / Double(n)
        let cappedK = max(1, min(k, classes))
        self.k = cappedK
        let hits = trueRanks.reduce(0) { $0 + ($1 < cappedK ? 1 : 0) }
        topKAccuracy = n == 0 ? 0 : Double(hits) / Double(n)

        func divide(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }
        var rows: [PerClass] = []
        for (p, id) in labels.enumerated() {
            let tp = matrix[p][p]
            let support = matrix[p].reduce(0, +)
            let predicted = matrix.reduce(0) { $0 + $1[p] }
            rows.append(PerClass(label: labelNames[id], id: id, precision: divide(tp, predicted), recall: divide(tp, support),
                                 f1: divide(2 * tp, support + predicted), support: support))
        }
        perClass = rows
        func mean(_ v: [Double]) -> Double { v.isEmpty ? 0 : v.reduce(0, +) / Double(v.count) }
        func weighted(_ v: [Double]) -> Double {
            let total = rows.reduce(0) { $0 + $1.support }
            guard total > 0 else { return 0 }
            return zip(v, rows).reduce(0.0) { $0 + $1.0 * Double($1.1.support) } / Double(total)
        }
        let p = rows.map(\.precision), r = rows.map(\.recall), f = rows.map(\.f1)
        precisionMacro = mean(p); recallMacro = mean(r); f1Macro = mean(f)
        precisionWeighted = weighted(p); recallWeighted = weighted(r); f1Weighted = weighted(f)
    }

    /// The rank of class `id` among `scores`: how many classes score higher, or equal with a
    /// lower id (the order of `TopK.indices`). The class is in the top K when its rank < K.
    public static func rank<S: BinaryFloatingPoint>(of id: Int, in scores: [S]) -> Int {
        let s = scores[id]
        var rank = 0
        for (j, v) in scores.enumerated() where v > s || (v == s && j < id) { rank += 1 }
        return rank
    }
}
