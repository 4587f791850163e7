import Testing
import Tensors
@testable import ViTEvaluation

@Suite("ClassificationMetrics against scikit-learn")
struct ClassificationMetricsTests {
    static let names = ["tabby", "astronaut", "coffee", "rocket", "camera"]

    /// The recorded transformers predictions, fed to vitkit's metrics.
    static func metrics(k: Int) throws -> (ClassificationMetrics, JSON) {
        let e = try Fixtures.expected()
        let images = try #require(e["images"]?.arrayValue)
        let truth = images.map { $0["true_id"]!.intValue! }
        let predicted = images.map { $0["predicted_id"]!.intValue! }
        let ranks = images.enumerated().map { i, image in
            ClassificationMetrics.rank(of: truth[i], in: image["logits"]!.arrayValue!.map { $0.doubleValue! })
        }
        return (ClassificationMetrics(trueIDs: truth, predictedIDs: predicted, trueRanks: ranks, labelNames: names, k: k), e)
    }

    @Test func headlineNumbersEqualScikitLearn() throws {
        let (m, e) = try Self.metrics(k: 5)
        let pairs: [(String, Double)] = [
            ("accuracy", m.accuracy), ("precision_macro", m.precisionMacro), ("recall_macro", m.recallMacro),
            ("f1_macro", m.f1Macro), ("precision_weighted", m.precisionWeighted), ("recall_weighted", m.recallWeighted),
            ("f1_weighted", m.f1Weighted),
        ]
        for (key, value) in pairs {
            let expected = try #require(e[key]?.doubleValue, "\(key)")
            #expect(isClose(value, expected), "\(key): \(value) vs scikit-learn \(expected)")
        }
        #expect(m.count == e["images"]?.arrayValue?.count)
        // Non-trivial: the random-weight classifier is mostly wrong, and macro != weighted.
        #expect(m.accuracy < 0.5 && m.precisionMacro != m.precisionWeighted)
    }

    @Test(arguments: 1...7) func topKAccuracyEqualsScikitLearn(k: Int) throws {
        let (m, e) = try Self.metrics(k: k)
        #expect(m.k == min(k, 5))
        let expected = try #require(e["top_k_accuracy"]?[String(m.k)]?.doubleValue)
        #expect(isClose(m.topKAccuracy, expected), "top-\(m.k): \(m.topKAccuracy) vs \(expected)")
    }

    @Test func perClassAndConfusionMatrixEqualScikitLearn() throws {
        let (m, e) = try Self.metrics(k: 5)
        #expect(m.labels == e["labels"]?.arrayValue?.compactMap(\.intValue))
        let expectedMatrix = try #require(e["confusion_matrix"]?.arrayValue).map { $0.arrayValue!.map { $0.intValue! } }
        #expect(m.confusionMatrix == expectedMatrix)
        let rows = try #require(e["per_class"]?.arrayValue)
        #expect(rows.count == m.perClass.count)
        for (row, got) in zip(rows, m.perClass) {
            #expect(got.label == row["label"]?.stringValue && got.id == row["id"]?.intValue && got.support == row["support"]?.intValue)
            for (key, value) in [("precision", got.precision), ("recall", got.recall), ("f1", got.f1)] {
                #expect(isClose(value, row[key]!.doubleValue!), "\(got.label) \(key)")
            }
        }
    }

    /// Labels neither true nor predicted are left out (sklearn's `unique_labels`), in id order.
    @Test func labelsAreThoseTrueOrPredictedInIDOrder() {
        let m = ClassificationMetrics(trueIDs: [4, 1, 4, 1], predictedIDs: [1, 1, 4, 2], trueRanks: [1, 0, 0, 2],
                                      labelNames: Self.names, k: 2)
        #expect(m.labels == [1, 2, 4])
        #expect(m.confusionMatrix == [[1, 1, 0], [0, 0, 0], [1, 0, 1]])
        // sklearn: precision [0.5, 0, 1], recall [0.5, 0, 0.5], f1 [0.5, 0, 2/3]; support [2, 0, 2]
        #expect(m.perClass.map(\.precision) == [0.5, 0, 1])
        #expect(m.perClass.map(\.recall) == [0.5, 0, 0.5])
        #expect(isClose(m.f1Macro, (0.5 + 0 + 2.0 / 3) / 3))
        #expect(isClose(m.f1Weighted, (0.5 * 2 + 2.0 / 3 * 2) / 4))
        #expect(m.topKAccuracy == 0.75)
    }

    @Test func rankBreaksTiesByLowerID() {
        #expect(ClassificationMetrics.rank(of: 2, in: [1.0, 3.0, 3.0, 0.5]) == 1)
        #expect(ClassificationMetrics.rank(of: 1, in: [1.0, 3.0, 3.0, 0.5]) == 0)
        #expect(ClassificationMetrics.rank(of: 3, in: [Float(1), 3, 3, 0.5]) == 3)
    }
}
