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
        /// The image processor implementation (`--processor`); nil: each model's
        /// `preprocessor_config.json` type, else `.pillow`.
        public var processor: ImageProcessorKind?
        /// Decode and preprocess the next batch on another thread while the forward pass
        /// runs (false: one after the other, on the calling thread; for measurements).
        public var overlap: Bool
        /// Images of a batch decoded and preprocessed in parallel; default: one per processor.
        public var decodeThreads: Int?

        /// Options; the defaults are those of `vitkit evaluate`.
        public init(batchSize: Int = 8, imageSize: Int? = nil, topK: Int = 5, strict: Bool = false, allowUnused: Bool = false,
                    overlap: Bool = true, decodeThreads: Int? = nil) {
            self.batchSize = batchSize
            self.imageSize = imageSize
            self.topK = topK
            self.strict = strict
            self.allowUnused = allowUnused
            self.overlap = overlap
            self.decodeThreads = decodeThreads
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
    /// Images are decoded and preprocessed on another thread while the forward pass runs
    /// on the previous batch (unless `options.overlap` is false); at most one batch is
    /// prepared ahead, so memory holds two batches of pixels and, per image, its
    /// prediction: it does not grow with the dataset otherwise. Results are in DATA order
    /// and identical either way. `progress(done, total)` is called after each batch (`done`
    /// counts skipped images too); `failure` as soon as a skipped image's batch is reached.
    ///
    /// - Throws: `EvaluationError.noClassifier`, `.unknownLabels` (before any image is read),
    ///   `.data` when no image could be decoded; `ImageError` for an undecodable image when
    ///   `strict`; `ViTError` from the model (including non-finite outputs).
    public static func run(_ checkpoint: ViTCheckpoint, data: EvaluationData, options: Options = .init(),
                           progress: ((Int, Int) -> Void)? = nil, failure: ((Failure) -> Void)? = nil) throws -> Result {
        let job = try StreamedRun(models: [checkpoint], data: data, options: options)
        try job.execute(progress: progress, failure: failure)
        return job.result(model: 0)
    }

    static func monotonicSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
