#if canImport(Glibc)
import Glibc
#endif
import Preprocessing
import Tensors
import ViTInference
import ViTModel

/// A classifier's task metrics on labelled images: `Evaluation.run`.
public enum Evaluation {
    /// How to run.
    public struct Options: Sendable {
        /// Images per forward pass.
        public var batchSize: Int
        /// Run at this square resolution (position embeddings interpolated); default: the model's.
        public var imageSize: Int?
        /// K of the top-K accuracy (capped at the label count).
        public var topK: Int
        /// Whether an image that fails to decode ends the run (else it is counted and skipped).
        public var strict: Bool
        /// Ignore stored tensors that are not part of the graph.
        public var allowUnused: Bool
        /// The forward pass's arithmetic (`ComputePrecision`); float32 by default.
        public var compute: ComputePrecision = .f32

        /// Options; the defaults are those of `vitkit evaluate`.
        public init(batchSize: Int = 8, imageSize: Int? = nil, topK: Int = 5, strict: Bool = false, allowUnused: Bool = false) {
            self.batchSize = batchSize
            self.imageSize = imageSize
            self.topK = topK
            self.strict = strict
            self.allowUnused = allowUnused
        }
    }

    /// One image's prediction.
    public struct Prediction: Sendable {
        /// The image's path.
        public var path: String
        /// The true class id.
        public var trueID: Int
        /// The predicted class id (the largest logit; ties to the lower id).
        public var predictedID: Int
        /// The softmax probability of the predicted class.
        public var probability: Float
        /// The true class's rank among the logits (0 = predicted).
        public var trueRank: Int
    }

    /// An image skipped because it could not be decoded.
    public struct Failure: Sendable {
        /// The image's path.
        public var path: String
        /// The decoder's sentence (it names the file).
        public var reason: String
    }

    /// What a run found.
    public struct Result: Sendable {
        /// The metrics over every evaluated image.
        public let metrics: ClassificationMetrics
        /// Every evaluated image, in DATA order (skipped ones left out).
        public let predictions: [Prediction]
        /// Images that failed to decode (`errors`).
        public let failures: [Failure]
        /// The model's labels by id.
        public let labelNames: [String]
        /// DATA's labels matched only case-insensitively (`LabelMatching.notes`).
        public let labelNotes: [String]
        /// Wall time of decoding, preprocessing and the forward passes.
        public let seconds: Double
        /// Evaluated images per second of `seconds`.
        public var imagesPerSecond: Double { seconds > 0 ? Double(predictions.count) / seconds : 0 }
        /// The images predicted wrongly, in DATA order.
        public var misclassified: [Prediction] { predictions.filter { $0.trueID != $0.predictedID } }
    }

    /// Runs `checkpoint` on every image of `data` in batches and computes the metrics.
    ///
    /// Memory holds one batch of pixels and, per image, its prediction: it does not grow
    /// with the dataset otherwise. `progress(done, total)` is called after each batch
    /// (`done` counts skipped images too); `failure` as soon as an image is skipped.
    ///
    /// - Throws: `EvaluationError.noClassifier`, `.unknownLabels` (before any image is read),
    ///   `.data` when no image could be decoded; `ImageError` for an undecodable image when
    ///   `strict`; `ViTError` from the model (including non-finite outputs).
    public static func run(_ checkpoint: ViTCheckpoint, data: EvaluationData, options: Options = .init(),
                           progress: ((Int, Int) -> Void)? = nil, failure: ((Failure) -> Void)? = nil) throws -> Result {
        precondition(options.batchSize > 0, "batchSize must be positive")
        guard checkpoint.config.hasClassifier else { throw EvaluationError.noClassifier(file: checkpoint.checkpoint.path) }
        let names = checkpoint.config.labels
        let matching = try LabelMatching(data, modelLabels: names)
        let pipeline = try ViTPipeline(checkpoint: checkpoint, imageSize: options.imageSize, allowUnused: options.allowUnused,
                                       compute: options.compute)
        let start = monotonicSeconds()
        var predictions: [Prediction] = []
        predictions.reserveCapacity(data.items.count)
        var failures: [Failure] = []
        var next = 0
        let total = data.items.count
        while next < total {
            var pixels: [Float] = []
            var batch: [Int] = []
            while batch.count < options.batchSize, next < total {
                let i = next
                next += 1
                do {
                    let image = try ImageDecoder.decode(path: data.items[i].path)
                    pixels += pipeline.preprocessor.pixelValues(image: image)
                    batch.append(i)
                } catch {
                    if options.strict { throw error }
                    let f = Failure(path: data.items[i].path, reason: error.description)
                    failures.append(f)
                    failure?(f)
                }
            }
            if !batch.isEmpty {
                let outputs = try pipeline.forward.run(pixels: pixels, batch: batch.count, size: pipeline.imageSize)
                try pipeline.requireFinite(outputs, images: batch.map { data.items[$0].path })
                for (i, out) in zip(batch, outputs) {
                    let logits = out.logits ?? []
                    let predicted = TopK.indices(logits, k: 1).first ?? 0
                    let truth = matching.ids[i]
                    predictions.append(Prediction(path: data.items[i].path, trueID: truth, predictedID: predicted,
                                                  probability: TopK.softmax(logits)[predicted],
                                                  trueRank: ClassificationMetrics.rank(of: truth, in: logits)))
                }
            }
            progress?(next, total)
        }
        guard !predictions.isEmpty else {
            throw EvaluationError.data(path: data.path, reason: "none of its \(total) images could be decoded")
        }
        let seconds = monotonicSeconds() - start
        let metrics = ClassificationMetrics(trueIDs: predictions.map(\.trueID), predictedIDs: predictions.map(\.predictedID),
                                            trueRanks: predictions.map(\.trueRank), labelNames: names, k: options.topK)
        return Result(metrics: metrics, predictions: predictions, failures: failures, labelNames: names,
                      labelNotes: matching.notes, seconds: seconds)
    }

    static func monotonicSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
