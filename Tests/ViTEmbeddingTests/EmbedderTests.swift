import Testing
import ViTEmbedding
import ViTInference
import ViTModel

/// Embeddings equal what transformers recorded (`samples/expectations.py`): `pooler_output`,
/// `cls` (`last_hidden_state[0, 0]`) and `mean_token` (`last_hidden_state[0].mean(0)`).
@Suite("Embedder")
struct EmbedderTests {
    static let atol: Float = 1e-5

    /// Every sample checkpoint with the expectations it must reproduce (other ecosystems'
    /// files hold the same weights as the HF ones).
    static let models: [(checkpoint: String, expectations: String)] = [
        ("models/hf-in21k", "hf-in21k"), ("models/hf-classifier", "hf-classifier"),
        ("models/jax/in21k.npz", "hf-in21k"), ("models/tf-classifier", "hf-classifier"),
        ("models/hf-sharded", "hf-sharded"),
    ]

    @Test(arguments: models.indices)
    func everyKindEqualsTransformers(model: Int) throws {
        let (checkpoint, name) = Self.models[model]
        let expected = try Fixtures.expectations(name)
        let vit = try ViTCheckpoint(path: Fixtures.sample(checkpoint))
        for (kind, key) in [(EmbeddingKind.pooler, "pooler_output"), (.cls, "cls"), (.mean, "mean_token")] {
            guard kind != .pooler || vit.config.hasPooler else { continue }
            // Batches of 3 over 7 images: a full batch, then a partial one.
            let rows = try Embedder(checkpoint: vit, kind: kind).embed(paths: expected.map(\.path), batchSize: 3)
            #expect(rows.count == expected.count)
            for (row, image) in zip(rows, expected) {
                let want = try #require(image.outputs[key], "\(name) records \(key)")
                let diff = maxAbsDiff(row, want)
                #expect(diff <= Self.atol, "\(checkpoint) \(kind) \(image.path): max |diff| \(diff)")
            }
        }
    }

    @Test func defaultIsThePoolerWhenThereIsOneElseCLS() throws {
        let in21k = try Embedder(checkpoint: ViTCheckpoint(path: Fixtures.sample("models/hf-in21k")))
        #expect(in21k.kind == .pooler && in21k.kindIsDefault && in21k.dimension == 48)
        let classifier = try Embedder(checkpoint: ViTCheckpoint(path: Fixtures.sample("models/hf-classifier")))
        #expect(classifier.kind == .cls && classifier.kindIsDefault)
        let asked = try Embedder(checkpoint: ViTCheckpoint(path: Fixtures.sample("models/hf-in21k")), kind: .cls)
        #expect(asked.kind == .cls && !asked.kindIsDefault)
        let expected = try Fixtures.expectations("hf-classifier")
        let rows = try classifier.embed(paths: expected.map(\.path))
        for (row, image) in zip(rows, expected) { #expect(maxAbsDiff(row, image.outputs["cls"]!) <= Self.atol) }
    }

    @Test func poolerOfACheckpointWithoutOneIsRefused() throws {
        let path = Fixtures.sample("models/hf-classifier")
        #expect(throws: EmbeddingError.noPooler(file: path)) {
            try Embedder(checkpoint: ViTCheckpoint(path: path), kind: .pooler)
        }
        let message = EmbeddingError.noPooler(file: path).description
        #expect(message == "\(path) has no pooler (the tanh(dense(cls)) layer of in21k ViTModels): embed the cls state or the token mean instead")
    }

    /// The mean needs every token through the last block; the class-token-only last block
    /// leaves the patch rows one block behind, so a mean taken from them would differ.
    @Test func meanUsesTheFullLastBlock() throws {
        let expected = try Fixtures.expectations("hf-in21k")
        let vit = try ViTCheckpoint(path: Fixtures.sample("models/hf-in21k"))
        let embedder = try Embedder(checkpoint: vit, kind: .mean)
        let pixels = try embedder.pipeline.pixels(path: expected[0].path).floats()
        let forward = embedder.pipeline.forward
        let full = try forward.runWithMeanTokens(pixels: pixels, batch: 1, size: 64)
        #expect(maxAbsDiff(full.meanTokens[0], expected[0].outputs["mean_token"]!) <= Self.atol)
        // The CLS state of the full last block equals the class-token-only path's.
        let short = try forward.run(pixels: pixels, batch: 1, size: 64, clsOnlyLastBlock: true)
        #expect(maxAbsDiff(full.outputs[0].cls, short[0].cls) <= 1e-5)
        #expect(maxAbsDiff(full.outputs[0].poolerOutput!, expected[0].outputs["pooler_output"]!) <= Self.atol)
    }

    @Test func normalizedRowsHaveUnitNormAndTheSameDirection() throws {
        let expected = try Fixtures.expectations("hf-in21k")
        let vit = try ViTCheckpoint(path: Fixtures.sample("models/hf-in21k"))
        for kind in EmbeddingKind.allCases {
            let raw = try Embedder(checkpoint: vit, kind: kind).embed(paths: expected.map(\.path))
            let unit = try Embedder(checkpoint: vit, kind: kind, normalize: true).embed(paths: expected.map(\.path))
            for (r, u) in zip(raw, unit) {
                #expect(abs(l2Norm(u) - 1) <= 1e-6, "\(kind): norm \(l2Norm(u))")
                let n = Float(l2Norm(r))
                #expect(maxAbsDiff(u, r.map { $0 / n }) <= 1e-6)
            }
        }
    }

    @Test func batchesArriveInOrderWithTheirPaths() throws {
        let expected = try Fixtures.expectations("hf-classifier")
        let embedder = try Embedder(checkpoint: ViTCheckpoint(path: Fixtures.sample("models/hf-classifier")))
        var starts: [Int] = [], paths: [String] = []
        try embedder.embed(paths: expected.map(\.path), batchSize: 2) { batch in
            #expect(batch.rows.count == batch.paths.count && batch.zeroRows.isEmpty)
            starts.append(batch.start)
            paths += batch.paths
        }
        #expect(starts == [0, 2, 4, 6] && paths == expected.map(\.path))
    }
}
