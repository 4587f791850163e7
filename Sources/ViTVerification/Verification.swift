import ViTInference
import ViTModel
#if canImport(Glibc)
import Glibc
#endif
import Tensors

/// Compares outputs of one image with expected ones: per output, max abs diff and
/// PASS/FAIL under `|got - want| <= atol + rtol * |want|`, plus top-1/top-5 agreement.
public struct Verification: Sendable {
    /// One output of one image against its expectation.
    public struct OutputCheck: Sendable {
        /// `logits`, `pooler_output` or `cls`.
        public var output: String
        /// The largest absolute difference.
        public var maxAbsDiff: Double
        /// Within `atol + rtol * |expected|` for every element.
        public var passed: Bool
    }

    /// Every check of one image.
    public struct ImageResult: Sendable {
        /// The image as named in the expectations (or given).
        public var image: String
        /// One check per output both sides have.
        public var checks: [OutputCheck]
        /// Whether the top-1 class is the same (nil without logits).
        public var top1Agrees: Bool?
        /// Whether the top-5 classes are the same set (nil without logits).
        public var top5Agrees: Bool?
        /// The checked model's outputs holding NaN or infinity (never a pass, whatever the tolerance).
        public var nonFinite: [String] = []
        /// Every check passed, the top-1 class agrees and every output is finite.
        public var passed: Bool { !checks.isEmpty && checks.allSatisfy(\.passed) && top1Agrees != false && nonFinite.isEmpty }
    }

    /// Per-image results, in order.
    public var results: [ImageResult]
    /// The absolute tolerance used.
    public var atol: Double
    /// The relative tolerance used.
    public var rtol: Double
    /// Every image passed (and there was at least one).
    public var passed: Bool { !results.isEmpty && results.allSatisfy(\.passed) }

    /// A verification from per-image results.
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

    package var json: JSON {
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
