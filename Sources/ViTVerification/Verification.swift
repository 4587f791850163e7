import ViTInference
import ViTModel
#if canImport(Glibc)
import Glibc
#endif
import Tensors

/// Compares outputs of one image with expected ones: per output, max abs diff and
/// PASS/FAIL under `|got - want| <= atol + rtol * |want|`, plus top-1/top-5 agreement.
public struct Verification: Sendable {
    public struct OutputCheck: Sendable {
        public var output: String
        public var maxAbsDiff: Double
        public var passed: Bool
    }

    public struct ImageResult: Sendable {
        public var image: String
        public var checks: [OutputCheck]
        public var top1Agrees: Bool?
        public var top5Agrees: Bool?
        /// The checked model's outputs holding NaN or infinity (never a pass, whatever the tolerance).
        public var nonFinite: [String] = []
        public var passed: Bool { !checks.isEmpty && checks.allSatisfy(\.passed) && top1Agrees != false && nonFinite.isEmpty }
    }

    public var results: [ImageResult]
    public var atol: Double
    public var rtol: Double
    public var passed: Bool { !results.isEmpty && results.allSatisfy(\.passed) }

    public init(results: [ImageResult], atol: Double, rtol: Double) {
        self.results = results
        self.atol = atol
        self.rtol = rtol
    }

    /// Checks `got` against the expected outputs of one image. Expected outputs the model
    /// does not produce fail.
    public static func check(image: String, got: ViTOutputs, want: Expectations.Image, atol: Double, rtol: Double) -> ImageResult {
        var checks: [OutputCheck] = []
        func compare(_ name: String, _ g: [Float]?, _ w: [Float]?) {
            guard let w else { return }
            guard let g, g.count == w.count else {
                checks.append(OutputCheck(output: name, maxAbsDiff: .infinity, passed: false))
                return
            }
            var maxDiff = 0.0, ok = true
            for (a, b) in zip(g, w) {
                let d = Double(abs(a - b))
                if !(d <= atol + rtol * Double(abs(b))) { ok = false }
                maxDiff = d.isNaN ? .infinity : max(maxDiff, d)
            }
            checks.append(OutputCheck(output: name, maxAbsDiff: maxDiff, passed: ok))
        }
        compare("logits", got.logits, want.logits)
        compare("pooler_output", got.poolerOutput, want.poolerOutput)
        compare("cls", got.cls, want.cls)
        var r = ImageResult(image: image, checks: checks)
        r.nonFinite = got.nonFiniteOutputs
        if let g = got.logits, let w = want.logits, g.count == w.count {
            r.top1Agrees = TopK.indices(g, k: 1) == TopK.indices(w, k: 1)
            r.top5Agrees = TopK.indices(g, k: 5) == TopK.indices(w, k: 5)
        }
        return r
    }

    public var json: JSON {
        .object([
            ("passed", .bool(passed)),
            ("atol", .double(atol)),
            ("rtol", .double(rtol)),
            ("images", .array(results.map { r in
                var m: [(String, JSON)] = [
                    ("image", .string(r.image)),
                    ("passed", .bool(r.passed)),
                    ("outputs", .array(r.checks.map { .object([("output", .string($0.output)), ("max_abs_diff", .double($0.maxAbsDiff)), ("passed", .bool($0.passed))]) })),
                ]
                if let t = r.top1Agrees { m.append(("top1_agrees", .bool(t))) }
                if let t = r.top5Agrees { m.append(("top5_agrees", .bool(t))) }
                if !r.nonFinite.isEmpty { m.append(("not_finite", .array(r.nonFinite.map { JSON.string($0) }))) }
                return .object(m)
            })),
        ])
    }
}
