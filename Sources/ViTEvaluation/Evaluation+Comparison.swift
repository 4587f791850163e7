import Tensors
import ViTModel

extension Evaluation {
    /// Two checkpoints run on the same images (`vitkit evaluate --compare`): a conversion
    /// regression report.
    public struct Comparison: Sendable {
        /// An image the two models classify differently.
        public struct Difference: Sendable, Equatable {
            /// The image's path.
            public var path: String
            /// The first model's top-1 class id.
            public var predictedID: Int
            /// The other model's top-1 class id.
            public var otherPredictedID: Int
        }

        /// The first checkpoint's path.
        public let checkpoint: String
        /// The first checkpoint's metrics and predictions.
        public let result: Result
        /// The other checkpoint's path.
        public let otherCheckpoint: String
        /// The other checkpoint's metrics and predictions on the same images (its `seconds`
        /// is the whole run's, both models together, as the first one's).
        public let other: Result
        /// Every image whose top-1 prediction differs, in DATA order.
        public let differences: [Difference]
        /// The largest |logit difference| over every image and class.
        public let maxAbsLogitDifference: Double
        /// The tolerance `maxAbsLogitDifference` is held to.
        public let atol: Double

        /// No prediction differs and no logit differs by more than `atol`.
        public var passed: Bool { differences.isEmpty && maxAbsLogitDifference <= atol }
    }

    /// Runs `checkpoint` and `other` on every image of `data` and compares them.
    ///
    /// Each image is decoded once; it is preprocessed once when both models' preprocessing
    /// (size, rescale, mean, std) is the same, else once per model. Both run at
    /// `options.imageSize` when given, else each at its own size. Streaming, progress and
    /// failures are as in `run` (an undecodable image is skipped for both).
    ///
    /// - Throws: as `run`; `EvaluationError.incomparable` (before any image is read) when
    ///   the two models' labels differ in count or name; `.noClassifier` for either.
    public static func compare(_ checkpoint: ViTCheckpoint, with other: ViTCheckpoint, data: EvaluationData,
                               options: Options = .init(), atol: Double = 1e-4, progress: ((Int, Int) -> Void)? = nil,
                               failure: ((Failure) -> Void)? = nil) throws -> Comparison {
        precondition(atol >= 0 && atol.isFinite, "atol must be finite and non-negative")
        let job = try StreamedRun(models: [checkpoint, other], data: data, options: options)
        try job.execute(progress: progress, failure: failure)
        return Comparison(
            checkpoint: checkpoint.checkpoint.path, result: job.result(model: 0),
            otherCheckpoint: other.checkpoint.path, other: job.result(model: 1),
            differences: job.differences.map {
                Comparison.Difference(path: data.items[$0.item].path, predictedID: $0.first, otherPredictedID: $0.second)
            },
            maxAbsLogitDifference: job.maxAbsLogitDifference, atol: atol)
    }
}

extension Evaluation.Comparison {
    /// The first model's `evaluate --json` document with a `compare` object added:
    /// `checkpoint`, `other_checkpoint`, `differing_predictions` (count), `max_abs_logit_diff`,
    /// `atol`, `passed`, `differences` (`{path, prediction, other_prediction}` by label name)
    /// and `other` (the other model's document, same keys as the first).
    public var json: JSON {
        guard case .object(var fields) = result.json else { return result.json }
        let names = result.labelNames
        fields.append(("compare", .object([
            ("checkpoint", .string(checkpoint)),
            ("other_checkpoint", .string(otherCheckpoint)),
            ("differing_predictions", .int(differences.count)),
            ("max_abs_logit_diff", .double(maxAbsLogitDifference)),
            ("atol", .double(atol)),
            ("passed", .bool(passed)),
            ("differences", .array(differences.map {
                .object([("path", .string($0.path)), ("prediction", .string(names[$0.predictedID])),
                         ("other_prediction", .string(names[$0.otherPredictedID]))])
            })),
            ("other", other.json),
        ])))
        return .object(fields)
    }

    /// One line for stderr saying whether the two models agree, e.g. `3 of 15 predictions
    /// differ; max |Δ logit| 0.012 > atol 0.0001`.
    public var summary: String {
        let n = result.metrics.count
        let logit = "max |Δ logit| \(maxAbsLogitDifference) \(maxAbsLogitDifference <= atol ? "<=" : ">") atol \(atol)"
        return "\(otherCheckpoint) vs \(checkpoint): \(differences.count) of \(n) predictions differ; \(logit)"
    }
}
