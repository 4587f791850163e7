import ViTEvaluation

extension ConfusionMatrixPlot {
    /// The confusion matrix of an evaluation, titled with `name` (e.g. the checkpoint), the
    /// accuracy and the image count.
    public init(_ result: Evaluation.Result, name: String, fontPath: String = Self.defaultFontPath) {
        let m = result.metrics
        let correct = zip(m.labels.indices, m.confusionMatrix).reduce(0) { $0 + $1.1[$1.0] }
        let accuracy = (m.accuracy * 10000).rounded() / 100
        self.init(labels: m.labels.map { result.labelNames[$0] }, matrix: m.confusionMatrix,
                  title: "\(name): accuracy \(accuracy)% (\(correct) of \(m.count) images)", fontPath: fontPath)
    }
}
