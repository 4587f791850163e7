import Foundation
import Testing
import Tensors
import NumPy
@testable import ViTModel
@testable import ViTConversion
@testable import ViTInference
@testable import ViTVerification
import Checkpoints

/// big_vision scanned checkpoints (samples/models/jax/classifier-scanned.npz: the
/// hf-classifier in big_vision's `scan=True` layout, written by numpy; its outputs are the
/// ones transformers recorded for hf-classifier).
@Suite("big_vision scanned checkpoints")
struct ScannedTests {
    static let scanned = Fixtures.sample("models/jax/classifier-scanned.npz")
    static let hfConfig = Fixtures.sample("models/hf-classifier/config.json")

    @Test func blocksAreViewsOfTheStack() throws {
        let c = try ViTCheckpoint(path: Self.scanned)
        #expect(c.scheme.id == .jax && c.scannedDepth == 2)
        try c.requireComplete()
        let stack = try c.checkpoint.source.tensor(named: "params/Transformer/encoderblock/MlpBlock_0/Dense_0/kernel")
        #expect(stack.shape == [2, 48, 96])
        let block1 = try c.tensors.tensor(named: "params/Transformer/encoderblock_1/MlpBlock_0/Dense_0/kernel")
        #expect(block1.shape == [48, 96] && block1.data.isMapped)
        let all = try stack.floats(), one = try block1.floats()
        #expect(one == Array(all[(48 * 96)...]))
        // Every graph parameter equals the unscanned big_vision file's, bit for bit.
        let unscanned = try ViTCheckpoint(path: Fixtures.sample("models/jax/classifier-big-vision.npz"))
        let diff = try CheckpointDiff(c, unscanned, atol: 0)
        #expect(diff.entries.count == c.config.graphParameters.count)
        #expect(diff.entries.allSatisfy { $0.status == .identical })
    }

    static let tok = Fixtures.sample("models/jax/classifier-scanned-tok.npz")

    /// Both position layouts: `[1, N+1, D]`, and big_vision's own `pool_type="tok"` `[1, N, D]`
    /// (positions added before the class token; read with a zero class slot).
    @Test(arguments: [scanned, tok])
    func outputsMatchTransformers(path: String) throws {
        let c = try ViTCheckpoint(path: path, options: .init(checkpoint: .init(configPath: Self.hfConfig)))
        try c.requireComplete()
        #expect(try c.parameter(CanonicalName.positions).shape == [1, 17, 48])
        let diffs = try Fixtures.differencesFromRecorded(c, expectations: "hf-classifier")
        #expect(diffs.count == 7)
        for d in diffs {
            #expect(d.cls <= 1e-5 && (d.logits ?? .infinity) <= 1e-5, "\(d.image): cls \(d.cls), logits \(d.logits ?? -1)")
        }
    }

    /// Stored tensors of an npz, by name, as raw bytes.
    static func stored(_ path: String, dropping prefix: String = "") throws -> [String: (DType, [Int], [UInt8])] {
        let npz = try NPZFile(path: path)
        return try Dictionary(uniqueKeysWithValues: npz.tensors.map { info in
            let t = try npz.tensor(named: info.name)
            let name = info.name.hasPrefix(prefix) ? String(info.name.dropFirst(prefix.count)) : info.name
            return (name, (t.dtype, t.shape, t.data.withUnsafeBytes { Array($0) }))
        })
    }

    static func sameTensors(_ a: [String: (DType, [Int], [UInt8])], _ b: [String: (DType, [Int], [UInt8])]) -> Bool {
        a.keys.sorted() == b.keys.sorted() && a.allSatisfy { k, v in b[k].map { $0.0 == v.0 && $0.1 == v.1 && $0.2 == v.2 } ?? false }
    }

    /// scanned -> every scheme -> scanned again gives the original file's tensors, bit for bit
    /// (without the `params/` prefix, which vitkit does not write), in both position layouts.
    @Test(arguments: [scanned, tok], [NamingScheme.ID.native, .hf, .tf, .jax, .timm, .keras])
    func roundTripThroughEveryScheme(source: String, via target: NamingScheme.ID) throws {
        try Fixtures.withTemporaryDirectory("scan") { dir in
            let there = dir.appendingPathComponent([.hf, .tf, .keras].contains(target) ? "there" : target == .jax ? "there.npz" : "there.safetensors").path
            _ = try Conversion.convert(try ViTCheckpoint(path: source), to: target, destination: there)
            let back = dir.appendingPathComponent("back.npz").path
            let result = try Conversion.convert(try ViTCheckpoint(path: there, options: .init(heads: 4)), to: .jax, destination: back,
                                                options: .init(scanned: true))
            #expect(result.tensors == 24)
            #expect(Self.sameTensors(try Self.stored(back), try Self.stored(source, dropping: "params/")))
        }
    }

    /// Unscanned output is Google's layout: the same tensors numpy wrote in classifier.npz.
    @Test func unscannedOutputEqualsGoogleLayout() throws {
        try Fixtures.withTemporaryDirectory("unscan") { dir in
            let out = dir.appendingPathComponent("u.npz").path
            _ = try Conversion.convert(try ViTCheckpoint(path: Self.scanned), to: .jax, destination: out)
            #expect(Self.sameTensors(try Self.stored(out), try Self.stored(Fixtures.sample("models/jax/classifier.npz"))))
        }
    }

    @Test func scannedOnlyForJax() throws {
        try Fixtures.withTemporaryDirectory("scan-tf") { dir in
            let out = dir.appendingPathComponent("x").path
            do {
                _ = try Conversion.convert(try ViTCheckpoint(path: Self.scanned), to: .tf, destination: out, options: .init(scanned: true))
                Issue.record("--scanned with --to tf was accepted")
            } catch ViTError.conversionRefused(_, let reason) {
                #expect(reason == .scannedOnlyForJax(.tf))
            }
            #expect(!FileManager.default.fileExists(atPath: out))
        }
    }

    @Test func mapHeadIsRefusedNamingItsTensors() throws {
        let path = Fixtures.sample("models/jax/map-head-scanned.npz")
        do {
            _ = try ViTCheckpoint(path: path)
            Issue.record("a MAP head checkpoint opened")
        } catch let ViTError.notSupportedYet(file, feature, tensors) {
            #expect(file == path && feature.contains("MAP head"))
            #expect(tensors.count == 15 && tensors.allSatisfy { $0.hasPrefix("params/MAPHead_0/") })
            #expect(tensors.contains("params/MAPHead_0/probe"))
            #expect("\(ViTError.notSupportedYet(file: file, feature: feature, tensors: tensors))".contains("is not supported yet (15 tensors: params/MAPHead_0/"))
        }
    }

    @Test func stacksOfDifferentDepthsAreRefused() throws {
        try Fixtures.withTemporaryDirectory("scan-bad") { dir in
            let path = dir.appendingPathComponent("bad.npz").path
            let w = try NPZWriter(path: path)
            try w.append(name: "Transformer/encoderblock/LayerNorm_0/scale", tensor: Tensor(floats: [1, 2, 3, 4], shape: [2, 2]))
            try w.append(name: "Transformer/encoderblock/LayerNorm_0/bias", tensor: Tensor(floats: [1, 2, 3, 4, 5, 6], shape: [3, 2]))
            try w.commit()
            #expect(throws: (any Error).self) { _ = try ViTCheckpoint(path: path) }
            do { _ = try ViTCheckpoint(path: path) } catch {
                #expect("\(error)".contains("bad.npz: stacked (scanned) tensor 'Transformer/encoderblock/LayerNorm_0/bias' has 3 blocks along axis 0, others 2"))
            }
        }
    }
}
