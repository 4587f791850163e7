import Foundation
import Testing
@testable import ViTModel
@testable import ViTConversion
@testable import ViTInference
@testable import ViTVerification
import Checkpoints
import Preprocessing
@testable import Tensors

/// The vectorisable math against libm, and the bicubic weights' partition of unity.
@Suite("kernels")
struct KernelTests {
    @Test func expMatchesLibmWithinTwoUlps() {
        var x: Float = -87
        while x < 88 {
            let want = Foundation.exp(x), got = VectorMath.exp(x)
            #expect(abs(got - want) <= 2 * want.ulp, "exp(\(x)) = \(got), libm \(want)")
            x += 0.0137
        }
    }

    @Test func erfMatchesLibmWithinTheApproximationsBound() {
        var x: Float = -6
        while x < 6 {
            // A&S 7.1.26 bound 1.5e-7 plus float32 rounding of the evaluation (cancellation in 1 - r t e^{-x^2}: several ulps of 1).
            #expect(abs(VectorMath.erf(x) - Foundation.erf(x)) <= 6e-7, "erf(\(x))")
            x += 0.001
        }
    }

    @Test func tanhMatchesLibm() {
        var x: Float = -12
        while x < 12 {
            #expect(abs(VectorMath.tanh(x) - Foundation.tanh(x)) <= 3e-7, "tanh(\(x))")
            x += 0.003
        }
    }

    @Test func geluKernelsMatchTheirDefinitions() {
        let xs = stride(from: Float(-8), to: 8, by: 0.01).map { $0 }
        var exact = xs, tanhForm = xs
        exact.withUnsafeMutableBufferPointer { Kernels.geluExact($0.baseAddress!, count: $0.count) }
        tanhForm.withUnsafeMutableBufferPointer { Kernels.geluTanh($0.baseAddress!, count: $0.count) }
        for (i, x) in xs.enumerated() {
            let d = Double(x)
            let e = 0.5 * d * (1 + Foundation.erf(d / 2.0.squareRoot()))
            let t = 0.5 * d * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (d + 0.044715 * d * d * d)))
            #expect(abs(Double(exact[i]) - e) <= 2e-6, "gelu(\(x))")
            #expect(abs(Double(tanhForm[i]) - t) <= 2e-6, "gelu_tanh(\(x))")
        }
    }

    /// The activations' vectorised bf16 rounding against the storage conversion, whose ties,
    /// overflow and NaN cases are pinned to numpy's and PyTorch's casts in HalfPrecisionTests:
    /// equal for every upper half with a spread of lower halves, and every NaN (including the
    /// ones whose rounding carry would reach the exponent) stays a NaN.
    @Test func bf16ActivationRoundingMatchesTheStorageConversion() {
        let lows: [UInt32] = [0, 1, 0x7FFF, 0x8000, 0x8001, 0xBFFF, 0xFFFF]
        var mismatches = 0
        for high in UInt32(0)...0xFFFF {
            for low in lows {
                let value = Float(bitPattern: high << 16 | low)
                let got = BFloat16.round(value), want = HalfPrecision.bf16Bits(from: value)
                if value.isNaN {
                    if !HalfPrecision.float(fromBF16: got).isNaN { mismatches += 1 }
                } else if got != want {
                    mismatches += 1
                }
            }
        }
        #expect(mismatches == 0)
        #expect(HalfPrecision.float(fromBF16: BFloat16.round(Float(bitPattern: 0x7FFF_FFFF))).isNaN)
        #expect(HalfPrecision.float(fromBF16: BFloat16.round(Float(bitPattern: 0xFFFF_8000))).isNaN)
    }

    @Test func softmaxRowsSumToOne() {
        var v: [Float] = (0..<300).map { Float($0 % 17) * 0.7 - 3 }
        v.withUnsafeMutableBufferPointer { Kernels.softmaxRows($0.baseAddress!, rows: 3, d: 100) }
        for r in 0..<3 { #expect(abs(v[(r * 100)..<(r * 100 + 100)].reduce(0, +) - 1) < 1e-5) }
    }

    @Test func bicubicWeightsSumToOne() {
        for t in stride(from: Float(0), through: 1, by: 0.05) {
            #expect(abs(PositionInterpolation.weights(t).reduce(0, +) - 1) < 1e-6)
        }
    }
}
