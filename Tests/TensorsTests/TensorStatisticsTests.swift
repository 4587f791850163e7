import Foundation
import Testing
@testable import Tensors

/// The two-thread path of `TensorStatistics` (tensors of 256K elements or more) against the
/// moments of an arithmetic sequence computed directly, and against one sequential pass.
@Suite("TensorStatistics on two threads")
struct TensorStatisticsTests {
    @Test(arguments: [300_001, 1 << 20])
    func anArithmeticSequenceHasItsClosedFormMoments(n: Int) throws {
        var values = (0..<n).map { Float($0) }
        let special = [(7, Float.nan), (n - 3, Float.infinity), (n / 2, -Float.infinity)]
        for (i, v) in special { values[i] = v }
        let s = try TensorStatistics(Tensor(floats: values, shape: [n]))
        // Without the three replaced values.
        let kept = (0..<n).filter { i in !special.contains { $0.0 == i } }.map(Double.init)
        let mean = kept.reduce(0, +) / Double(kept.count)
        let variance = kept.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(kept.count)
        #expect(s.count == n && s.nan == 1 && s.inf == 2 && s.zeros == 1)
        #expect(s.min == 0 && s.max == Double(n - 1))
        #expect(abs(s.mean - mean) <= 1e-9 * mean)
        #expect(abs(s.std - variance.squareRoot()) <= 1e-9 * variance.squareRoot())
    }

    @Test func theTwoHalvesMergeToTheSequentialResult() throws {
        let n = 1 << 19
        let values = (0..<n).map { Float(sin(Double($0) * 0.001)) * Float($0 % 97) }
        let tensor = Tensor(floats: values, shape: [n])
        let parallel = try TensorStatistics(tensor)
        let sequential = try TensorStatistics.Accumulator(tensor, elements: 0..<n)
        #expect(parallel.min == sequential.low && parallel.max == sequential.high && parallel.zeros == sequential.zeros)
        #expect(abs(parallel.mean - sequential.mean) <= 1e-12 * abs(sequential.mean))
        #expect(abs(parallel.std - (sequential.m2 / Double(n)).squareRoot()) <= 1e-12 * parallel.std)
    }
}
