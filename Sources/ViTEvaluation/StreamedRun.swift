import Preprocessing
import Tensors
import ViTInference
import ViTModel

/// One evaluation in progress: one or two models over the same images, each image decoded
/// once (and preprocessed once per distinct preprocessing), batches streamed.
final class StreamedRun {
    let data: EvaluationData
    let options: Evaluation.Options
    let matching: LabelMatching
    let pipelines: [ViTPipeline]
    /// Which prepared pixel buffer each model runs on (equal preprocessors share one).
    let pixelSource: [Int]
    let preparer: BatchPreparer
    var predictions: [[Evaluation.Prediction]]
    var failures: [Evaluation.Failure] = []
    /// Per image where two models' top-1 predictions differ: (item, first model's id, second's).
    var differences: [(item: Int, first: Int, second: Int)] = []
    var maxAbsLogitDifference = 0.0
    var seconds = 0.0

    /// Checks every model and the labels before any image is read.
    ///
    /// - Throws: `EvaluationError.noClassifier`, `.unknownLabels` (against the first
    ///   model's labels), `.incomparable` when a second model's labels differ; `ViTError`
    ///   from building a pipeline.
    init(models: [ViTCheckpoint], data: EvaluationData, options: Evaluation.Options) throws {
        precondition(options.batchSize > 0, "batchSize must be positive")
        precondition(!models.isEmpty, "at least one model")
        for m in models where !m.config.hasClassifier { throw EvaluationError.noClassifier(file: m.checkpoint.path) }
        let names = models[0].config.labels
        for m in models.dropFirst() { try Self.checkSameLabels(m, as: models[0]) }
        matching = try LabelMatching(data, modelLabels: names)
        pipelines = try models.map {
            try ViTPipeline(checkpoint: $0, imageSize: options.imageSize, allowUnused: options.allowUnused, compute: options.compute,
                            processor: options.processor)
        }
        var distinct: [ImagePreprocessor] = []
        var source: [Int] = []
        for p in pipelines {
            if let k = distinct.firstIndex(of: p.preprocessor) {
                source.append(k)
            } else {
                source.append(distinct.count)
                distinct.append(p.preprocessor)
            }
        }
        pixelSource = source
        preparer = BatchPreparer(paths: data.items.map(\.path), preprocessors: distinct, batchSize: options.batchSize,
                                 strict: options.strict, threads: options.decodeThreads ?? Processors.online)
        predictions = models.map { _ in [] }
        self.data = data
        self.options = options
    }

    /// Both models must have the same labels, in the same order; placeholder names
    /// (`LABEL_n`, a checkpoint without config) match any name of the same id.
    static func checkSameLabels(_ other: ViTCheckpoint, as first: ViTCheckpoint) throws(EvaluationError) {
        let a = first.config.labels, b = other.config.labels
        guard a.count == b.count else {
            throw .incomparable(file: other.checkpoint.path, other: first.checkpoint.path,
                                reason: "it has \(b.count) labels, the other \(a.count)")
        }
        let placeholders = a.indices.map { "LABEL_\($0)" }
        guard a != placeholders, b != placeholders else { return }
        if let i = a.indices.first(where: { a[$0] != b[$0] }) {
            throw .incomparable(file: other.checkpoint.path, other: first.checkpoint.path,
                                reason: "its label \(i) is '\(b[i])', the other's '\(a[i])'")
        }
    }

    /// Runs every batch through every model.
    ///
    /// - Throws: `ImageError` (when `strict`), `ViTError`, `EvaluationError.data` when no
    ///   image decoded.
    func execute(progress: ((Int, Int) -> Void)?, failure: ((Evaluation.Failure) -> Void)?) throws {
        let start = Evaluation.monotonicSeconds()
        let total = data.items.count
        for k in predictions.indices { predictions[k].reserveCapacity(total) }
        let preparer = self.preparer
        try Evaluation.stream(total: total, overlap: options.overlap, prepare: { preparer.batch(from: $0) }) { batch in
            for (item, error) in batch.failures {
                if options.strict { throw error }
                let f = Evaluation.Failure(path: data.items[item].path, reason: error.description)
                failures.append(f)
                failure?(f)
            }
            if !batch.items.isEmpty { try run(batch) }
            progress?(batch.end, total)
        }
        guard !predictions[0].isEmpty else {
            throw EvaluationError.data(path: data.path, reason: "none of its \(total) images could be decoded")
        }
        seconds = Evaluation.monotonicSeconds() - start
    }

    func run(_ batch: PreparedBatch) throws {
        let paths = batch.items.map { data.items[$0].path }
        var logits: [[[Float]]] = []
        for (k, pipeline) in pipelines.enumerated() {
            let outputs = try pipeline.forward.run(pixels: batch.pixels[pixelSource[k]], batch: batch.items.count,
                                                   size: pipeline.imageSize)
            try pipeline.requireFinite(outputs, images: paths)
            logits.append(outputs.map { $0.logits ?? [] })
            for (i, l) in zip(batch.items, logits[k]) {
                let predicted = TopK.indices(l, k: 1).first ?? 0
                let truth = matching.ids[i]
                predictions[k].append(Evaluation.Prediction(
                    path: data.items[i].path, trueID: truth, predictedID: predicted, probability: TopK.softmax(l)[predicted],
                    trueRank: ClassificationMetrics.rank(of: truth, in: l)))
            }
        }
        guard pipelines.count == 2 else { return }
        let first = predictions[0].suffix(batch.items.count), second = predictions[1].suffix(batch.items.count)
        for (j, (a, b)) in zip(first, second).enumerated() {
            for (x, y) in zip(logits[0][j], logits[1][j]) {
                maxAbsLogitDifference = max(maxAbsLogitDifference, abs(Double(x) - Double(y)))
            }
            if a.predictedID != b.predictedID { differences.append((batch.items[j], a.predictedID, b.predictedID)) }
        }
    }

    /// Model `k`'s metrics over the images it evaluated.
    func result(model k: Int) -> Evaluation.Result {
        let p = predictions[k], names = pipelines[k].checkpoint.config.labels
        let metrics = ClassificationMetrics(trueIDs: p.map(\.trueID), predictedIDs: p.map(\.predictedID),
                                            trueRanks: p.map(\.trueRank), labelNames: names, k: options.topK)
        return Evaluation.Result(metrics: metrics, predictions: p, failures: failures, labelNames: names,
                                 labelNotes: matching.notes, seconds: seconds)
    }
}
