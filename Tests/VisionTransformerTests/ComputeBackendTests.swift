import Foundation
import Testing
import Tensors
@testable import ViTModel
@testable import ViTInference
import Checkpoints
import Dispatch
import Synchronization

/// Each matrix backend and `--compute bf16` against the outputs transformers recorded
/// (samples/expected), on the pixel tensors ViTImageProcessor produced.
@Suite("compute backends vs transformers")
struct ComputeBackendTests {
    /// Runs `model` on every image of `expectations` and returns (name, got, want) triples
    /// of each recorded output, with the top-1 classes when there are logits.
    static func compare(_ model: String, _ expectations: String, compute: ComputePrecision,
                        backend: MatrixBackend) throws -> [(output: String, diff: Float, top1Same: Bool?)] {
        let config = model.hasPrefix("models/timm") ? Fixtures.sample("models/hf-classifier/config.json") : nil
        let checkpoint = try ViTCheckpoint(path: Fixtures.sample(model), options: .init(checkpoint: .init(configPath: config)))
        let forward = try ViTForward(checkpoint, compute: compute, backend: backend)
        let exp = try Fixtures.json(Fixtures.sample("expected/expectations/\(expectations).json"))
        let images = try #require(exp["images"]?.arrayValue)
        var rows: [(String, Float, Bool?)] = []
        for image in images {
            let name = try #require(image["path"]?.stringValue).split(separator: "/").last.map(String.init) ?? ""
            let pixels = try Fixtures.readFloatNPY(Fixtures.sample("expected/pixels/\(name).npy"))
            let out = try forward.run(pixels: pixels.values, batch: 1, size: pixels.shape[1])[0]
            if let want = Fixtures.floats(image["logits"]) {
                let got = try #require(out.logits)
                rows.append(("\(name) logits", maxAbsDiff(got, want), TopK.indices(got, k: 1) == TopK.indices(want, k: 1)))
            }
            if let want = Fixtures.floats(image["pooler_output"]) {
                rows.append(("\(name) pooler", maxAbsDiff(try #require(out.poolerOutput), want), nil))
            }
            rows.append(("\(name) cls", maxAbsDiff(out.cls, try #require(Fixtures.floats(image["cls"]))), nil))
        }
        #expect(!rows.isEmpty)
        return rows
    }

    static let backendCases: [(MatrixBackend, String, String)] = [MatrixBackend.onednn, .blis].flatMap { b in
        ForwardTests.cases.map { (b, $0.model, $0.expectations) }
    }

    /// float32 on either backend: within 1e-5 of transformers (2e-5 for the Google npz, whose
    /// LayerNorm eps is JAX's 1e-6 against transformers' 1e-12).
    @Test(arguments: backendCases)
    func float32AgreesWithTransformers(backend: MatrixBackend, model: String, expectations: String) throws {
        let tol: Float = model.hasPrefix("models/jax") ? 2e-5 : 1e-5
        for r in try Self.compare(model, expectations, compute: .f32, backend: backend) {
            #expect(r.diff <= tol, "\(backend) \(model) \(r.output): max |diff| \(r.diff)")
            #expect(r.top1Same != false, "\(backend) \(model) \(r.output): top-1 differs")
        }
    }

    /// bf16 linear layers: within 0.03 of the float32 pooler output and 0.05 of logits and
    /// class token (PyTorch autocast's own bf16 error on ViT-B/16 is 0.025-0.03), same top-1
    /// class on every sample. On a CPU without bf16 kernels it runs as float32.
    @Test(arguments: [("models/hf-classifier", "hf-classifier"), ("models/hf-in21k", "hf-in21k"),
                      ("models/jax/classifier.npz", "hf-classifier")])
    func bfloat16StaysCloseToFloat32(model: String, expectations: String) throws {
        let forward = try ViTForward(ViTCheckpoint(path: Fixtures.sample(model)), compute: .bf16)
        #expect(forward.compute == (ViTForward.hasBF16Kernels ? .bf16 : .f32))
        #expect(forward.backendDescription.contains(ViTForward.hasBF16Kernels ? "bf16" : "ran as f32"), "\(forward.backendDescription)")
        var worst: Float = 0
        for r in try Self.compare(model, expectations, compute: .bf16, backend: .onednn) {
            let tol: Float = r.output.hasSuffix("pooler") ? 0.03 : 0.05
            #expect(r.diff <= tol, "\(model) \(r.output): max |diff| \(r.diff)")
            #expect(r.top1Same != false, "\(model) \(r.output): top-1 differs from float32")
            worst = max(worst, r.diff)
        }
        // It is bf16 arithmetic, not float32 under another name.
        if ViTForward.hasBF16Kernels { #expect(worst > 1e-4, "\(model): bf16 outputs equal float32's (\(worst))") }
    }

    /// `bench --compute bf16` asked on the BLIS backend runs float32 and says so.
    @Test func blisRunsFloat32Only() throws {
        let forward = try ViTForward(ViTCheckpoint(path: Fixtures.sample("models/hf-classifier")), compute: .bf16, backend: .blis)
        #expect(forward.compute == .f32)
        #expect(forward.backendDescription.hasPrefix("blis-") && forward.backendDescription.contains("ran f32"))
    }

    /// Forward passes on several threads at once give the single-threaded outputs (each pass
    /// has its own oneDNN scratchpad; the library's shared one made them overwrite each other).
    @Test func concurrentPassesDoNotInterfere() throws {
        // Two models, two image sizes, batches of 1 and 3: many primitives at once.
        let models = try ["models/hf-in21k", "models/hf-classifier"].map {
            try ViTForward(ViTCheckpoint(path: Fixtures.sample($0)))
        }
        let jobs: [(model: Int, size: Int, batch: Int)] = [(0, 64, 1), (1, 64, 3), (0, 96, 3), (1, 96, 1)]
        @Sendable func run(_ j: (model: Int, size: Int, batch: Int)) throws -> [[Float]] {
            let pixels = (0..<(j.batch * 3 * j.size * j.size)).map { Float(($0 * (7 + j.size)) % 255) / 127.5 - 1 }
            return try models[j.model].run(pixels: pixels, batch: j.batch, size: j.size).map(\.cls)
        }
        let serial = try jobs.map(run)
        let results = Mutex<[Int: [[Float]]]>([:])
        DispatchQueue.concurrentPerform(iterations: 24) { k in
            if case .success(let cls) = Result(catching: { try run(jobs[k % jobs.count]) }) {
                results.withLock { $0[k] = cls }
            }
        }
        let got = results.withLock { $0 }
        #expect(got.count == 24)
        for (k, cls) in got { #expect(cls == serial[k % jobs.count], "pass \(k) differs from the serial run") }
    }
}
