import Foundation
import Testing
import Tensors
@testable import Checkpoints

/// `TensorHistogram` against `numpy.histogram(finite, 16, range=(min, max))`, recorded by
/// samples/tensor_stats.py for f32, f16 and bf16 safetensors, an npz and a Keras h5.
@Suite("TensorHistogram vs numpy.histogram")
struct TensorHistogramTests {
    @Test(arguments: ["stats/flags.safetensors", "models/hf-in21k/model.safetensors", "models/hf-classifier-bf16/model.safetensors",
                      "models/hf-classifier-f16/model.safetensors", "models/jax/classifier.npz", "models/tf-classifier/tf_model.h5",
                      "stats/f16.npz", "stats/f16.h5"])
    func countsEqualNumpys(file: String) throws {
        let text = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Samples.path("expected/tensor-stats.json"))))
        let want = try #require(try JSON.parse(text)[file]?.objectValue)
        let checkpoint = try Checkpoint.open(Samples.path(file))
        #expect(checkpoint.source.tensors.count == want.count)
        for info in checkpoint.source.tensors {
            let reference = try #require(want.first { $0.0 == info.name }?.1, "\(info.name)")
            let counts = try #require(reference["histogram"]?.arrayValue).compactMap(\.intValue)
            let tensor = try checkpoint.source.tensor(named: info.name)
            let statistics = try TensorStatistics(tensor)
            let histogram = try TensorHistogram(tensor, bins: 16, statistics: statistics)
            #expect(counts.count == 16)
            if statistics.min.isFinite {
                #expect(histogram.counts == counts, "\(file) \(info.name)")
            } else {
                #expect(histogram.counts.allSatisfy { $0 == 0 } && counts.allSatisfy { $0 == 0 }, "\(info.name)")
            }
        }
    }

    @Test func aConstantTensorFallsInTheMiddleBinAsNumpysWidenedRange() throws {
        let ones = Tensor(floats: [Float](repeating: 1, count: 6), shape: [6])
        let h = try TensorHistogram(ones, bins: 4, statistics: TensorStatistics(ones))
        // numpy.histogram(np.ones(6), 4) -> counts [0, 0, 6, 0] over [0.5, 1.5].
        #expect(h.counts == [0, 0, 6, 0] && h.low == 0.5 && h.high == 1.5)
    }
}
