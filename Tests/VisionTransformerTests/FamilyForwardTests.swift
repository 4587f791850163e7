import Foundation
import Testing
import Tensors
@testable import ViTModel
@testable import ViTInference

/// DeiT and DINOv2 checkpoints written by transformers and timm (samples/models/family) run
/// on the pixel tensors their processors produced, against the outputs each library recorded
/// (samples/expected/family, samples/generate_family.py), to 1e-5.
@Suite("DeiT and DINOv2 forward pass vs transformers and timm")
struct FamilyForwardTests {
    static let kinds = ["dinov2", "dinov2-reg", "deit-distilled", "dinov2-swiglu"]
    static let expectations = kinds.flatMap { ["hf-\($0)", "timm-\($0)"] } + ["hf-dinov2-classifier", "hf-deit-model"]

    /// Opens a family fixture (or an absolute path); timm files carry no config, so the head
    /// count is given (as `--heads 4`).
    static func open(_ model: String) throws -> ViTCheckpoint {
        try ViTCheckpoint(path: model.hasPrefix("/") ? model : Fixtures.sample(model), options: .init(heads: 4))
    }

    /// Runs every recorded input of `expectations` through `checkpoint` and compares each
    /// recorded output (`cls`, `pooler_output`, `logits`, `patch_mean`) to `tolerance`.
    static func check(_ checkpoint: ViTCheckpoint, against expectations: String, tolerance: Float = 1e-5,
                      forward given: ViTForward? = nil) throws {
        let exp = try Fixtures.json(Fixtures.sample("expected/family/\(expectations).json"))
        let runs = try #require(exp["runs"]?.arrayValue)
        #expect(runs.count >= 2)
        let forward = try given ?? ViTForward(checkpoint)
        for run in runs {
            let file = try #require(run["pixels"]?.stringValue)
            let pixels = try Fixtures.readFloatNPY(Fixtures.sample(file))
            let size = pixels.shape[1]
            #expect(run["size"]?.intValue == size)
            let (outs, means) = try forward.runWithMeanTokens(pixels: pixels.values, batch: 1, size: size, patchesOnly: true)
            let fast = try forward.run(pixels: pixels.values, batch: 1, size: size)[0]
            let out = outs[0], label = "\(expectations) \(file)"
            let cls = try #require(Fixtures.floats(run["cls"]))
            #expect(maxAbsDiff(out.cls, cls) <= tolerance, "\(label) cls: \(maxAbsDiff(out.cls, cls))")
            #expect(maxAbsDiff(fast.cls, cls) <= tolerance, "\(label) cls (class-token last block): \(maxAbsDiff(fast.cls, cls))")
            let mean = try #require(Fixtures.floats(run["patch_mean"]))
            #expect(maxAbsDiff(means[0], mean) <= tolerance, "\(label) patch mean: \(maxAbsDiff(means[0], mean))")
            if let pooler = Fixtures.floats(run["pooler_output"]) {
                // DINOv2's pooler_output is the final-normed class token.
                let got = out.poolerOutput ?? out.cls
                #expect(maxAbsDiff(got, pooler) <= tolerance, "\(label) pooler: \(maxAbsDiff(got, pooler))")
            }
            if let logits = Fixtures.floats(run["logits"]) {
                let got = try #require(out.logits)
                #expect(maxAbsDiff(got, logits) <= tolerance, "\(label) logits: \(maxAbsDiff(got, logits))")
                #expect(maxAbsDiff(try #require(fast.logits), logits) <= tolerance, "\(label) logits (fast path)")
            } else {
                #expect(out.logits == nil)
            }
        }
    }

    @Test(arguments: expectations)
    func outputsMatchTheLibraryThatWroteThem(expectations: String) throws {
        let exp = try Fixtures.json(Fixtures.sample("expected/family/\(expectations).json"))
        let checkpoint = try Self.open(try #require(exp["model"]?.stringValue))
        try checkpoint.requireComplete()
        try Self.check(checkpoint, against: expectations)
    }

    /// timm's files hold the same weights: they give transformers' outputs too, including at
    /// the other sizes transformers recorded (DINOv2 with registers: timm's `no_embed_class`
    /// table is interpolated whole, the class position already in `cls_token`).
    @Test(arguments: kinds)
    func timmFilesRunAsTransformersAtEverySize(kind: String) throws {
        try Self.check(Self.open("models/family/timm-\(kind).safetensors"), against: "hf-\(kind)")
    }

    /// BLIS float32 to 1e-5; bf16 linear layers (where the CPU has them) stay near float32.
    @Test(arguments: expectations)
    func otherBackendsAgree(expectations: String) throws {
        let exp = try Fixtures.json(Fixtures.sample("expected/family/\(expectations).json"))
        let checkpoint = try Self.open(try #require(exp["model"]?.stringValue))
        try Self.check(checkpoint, against: expectations, forward: ViTForward(checkpoint, compute: .f32, backend: .blis))
        try Self.check(checkpoint, against: expectations, tolerance: 0.1, forward: ViTForward(checkpoint, compute: .bf16))
    }

    /// What each fixture's graph is, read from the tensors (and config.json for transformers).
    @Test func optionsAreRecognised() throws {
        let reg = try Self.open("models/family/hf-dinov2-reg").config
        #expect(reg.registerTokens == 2 && reg.layerScale && reg.maskToken && reg.classPosition)
        #expect(reg.positionInterpolation == .bicubicAntialias && reg.family == .dinov2WithRegisters)
        let timmReg = try Self.open("models/family/timm-dinov2-reg.safetensors").config
        #expect(timmReg.registerTokens == 2 && !timmReg.classPosition && !timmReg.maskToken && timmReg.imageSize == 56)
        let deit = try Self.open("models/family/hf-deit-distilled").config
        #expect(deit.distillationToken && deit.distillationHead && deit.numLabels == 5 && deit.family == .deit)
        let deitModel = try Self.open("models/family/hf-deit-model").config
        #expect(deitModel.distillationToken && !deitModel.distillationHead && deitModel.hasPooler && deitModel.huggingFaceArchitecture == "DeiTModel")
        let swiglu = try Self.open("models/family/hf-dinov2-swiglu").config
        // mlp_ratio 4 at hidden 48: int(192 * 2 / 3) = 128, a multiple of 8 (Dinov2SwiGLUFFN).
        #expect(swiglu.mlp == .swiGLU && swiglu.intermediateSize == 128 && swiglu.fc1Outputs == 256)
        let timmSwiglu = try Self.open("models/family/timm-dinov2-swiglu.safetensors").config
        #expect(timmSwiglu.mlp == .swiGLU && timmSwiglu.intermediateSize == 128)
        let clf = try Self.open("models/family/hf-dinov2-classifier")
        #expect(clf.config.classifierInput == .clsAndPatchMean && clf.config.labels.first == "tabby")
        #expect(clf.inferredConfigKeys.isEmpty, "\(clf.inferredConfigKeys)")
        #expect(ViTConfig.dinov2Hidden(hiddenSize: 1536, mlpRatio: 4, swiGLU: true) == 4096)  // DINOv2 giant
    }
}

/// Batches mix images in one pass (token offsets per image): each image's outputs are the
/// ones transformers recorded, through `ViTPipeline.run(pixelTensors:)` (what predict/verify/embed run).
@Suite("DeiT and DINOv2 in batches through the pipeline")
struct FamilyBatchTests {
    @Test(arguments: FamilyForwardTests.kinds + ["dinov2-classifier", "deit-model"])
    func batchedPixelTensorsMatchTransformers(kind: String) throws {
        let exp = try Fixtures.json(Fixtures.sample("expected/family/hf-\(kind).json"))
        let checkpoint = try FamilyForwardTests.open("models/family/hf-\(kind)")
        // The processors' own configs are item 3 of issue 16; the pixels here are theirs already.
        let pipeline = try ViTPipeline(checkpoint: checkpoint, preprocessing: .object([]))
        let runs = try #require(exp["runs"]?.arrayValue).filter { $0["size"]?.intValue == checkpoint.config.imageSize }
        #expect(runs.count == 2)
        let tensors = try runs.map { run in
            let npy = try Fixtures.readFloatNPY(Fixtures.sample(try #require(run["pixels"]?.stringValue)))
            return Tensor(floats: npy.values, shape: npy.shape)
        }
        let outputs = try pipeline.run(pixelTensors: tensors + tensors.reversed(), batchSize: 3)
        for (out, run) in zip(outputs, runs + runs.reversed()) {
            let cls = try #require(Fixtures.floats(run["cls"]))
            #expect(maxAbsDiff(out.cls, cls) <= 1e-5, "\(kind) cls: \(maxAbsDiff(out.cls, cls))")
            if let logits = Fixtures.floats(run["logits"]) {
                #expect(maxAbsDiff(try #require(out.logits), logits) <= 1e-5, "\(kind) logits")
            }
        }
    }
}

/// Attention maps with tokens before the patches (DINOv2 registers, DeiT's distillation
/// token) against transformers' eager `output_attentions=True` (expected/family/attention.json).
@Suite("DeiT and DINOv2 attention maps vs transformers")
struct FamilyAttentionTests {
    @Test(arguments: ["dinov2-reg", "deit-distilled"])
    func classAttentionAndRolloutMatch(kind: String) throws {
        let reference = try #require(try Fixtures.json(Fixtures.sample("expected/family/attention.json"))[kind])
        let forward = try ViTForward(FamilyForwardTests.open("models/family/hf-\(kind)"))
        let pixels = try Fixtures.readFloatNPY(Fixtures.sample(try #require(reference["pixels"]?.stringValue)))
        let maps = try forward.attentionMaps(pixels: pixels.values, size: pixels.shape[1])
        let prefix = forward.config.prefixTokens
        #expect(maps.prefixTokens == prefix && prefix > 1 && maps.tokens == prefix + 16)
        let layers = try #require(reference["layers"]?.arrayValue)
        #expect(maps.layers == layers.count)
        for (l, row) in layers.enumerated() {
            let want = try #require(Fixtures.floats(row))
            #expect(want.count == maps.tokens)
            #expect(maxAbsDiff(maps.classAttention(layer: l), Array(want.dropFirst(prefix))) <= 1e-5, "\(kind) layer \(l)")
        }
        let rollout = try #require(Fixtures.floats(reference["rollout"]))
        #expect(maxAbsDiff(maps.rolloutRow().map { Float($0) }, rollout) <= 1e-5)
        #expect(maxAbsDiff(maps.rollout(), Array(rollout.dropFirst(prefix))) <= 1e-5)
    }
}
