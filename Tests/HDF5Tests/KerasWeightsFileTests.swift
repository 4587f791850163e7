import Testing
import Tensors
@testable import HDF5

/// The transformers-TF checkpoints and their Keras variants against expected/checkpoints.json
/// (names, layers, order, dtypes, shapes, attributes) and expected/h5.json (values).
@Suite("KerasWeightsFile")
struct KerasWeightsFileTests {
    /// Every `keras-h5` entry of checkpoints.json, and (source, variant) pairs.
    static let entries: [JSON] = ((try? Fixtures.json("expected/checkpoints.json"))?["checkpoints"]?.arrayValue ?? [])
        .filter { $0["format"]?.stringValue == "keras-h5" }
    static let keras: [String] = entries.compactMap { $0["path"]?.stringValue }
    static let variants: [String] = entries.filter { $0["variant_of"] != nil }.compactMap { $0["path"]?.stringValue }
    static let pairs: [(String, String)] = entries.compactMap { e in
        guard let v = e["path"]?.stringValue, let s = e["variant_of"]?.stringValue else { return nil }
        return (s, v)
    }

    @Test func fixturesAreListed() {
        #expect(Self.keras.count >= 6 && Self.variants.count >= 4)
        #expect(Set(Self.pairs.map(\.0)) == ["models/tf-classifier/tf_model.h5", "models/tf-in21k/tf_model.h5"])
    }

    @Test(arguments: keras)
    func matchesCheckpointsJSON(_ fixture: String) throws {
        let want = try Fixtures.checkpointEntry(fixture)
        let file = try KerasWeightsFile(path: Fixtures.path(fixture))
        #expect(file.format == "keras-h5")
        #expect(KerasWeightsFile.isKerasWeights(Fixtures.path(fixture)))
        #expect(file.layerNames == want["layer_names"]?.arrayValue?.compactMap(\.stringValue))
        let tensors = want["tensors"]?.arrayValue ?? []
        #expect(file.weights.count == tensors.count && tensors.count == want["tensor_count"]?.intValue)
        for (weight, t) in zip(file.weights, tensors) {
            #expect(weight.name == t["name"]?.stringValue)
            #expect(weight.layer == t["layer"]?.stringValue)
            #expect(file.layer(of: weight.name) == weight.layer)
            #expect(numpyDType(weight.dtype) == t["dtype"]?.stringValue)
            #expect(weight.shape == t["shape"]?.arrayValue?.compactMap(\.intValue))
        }
        #expect(file.tensors.map(\.name) == file.weights.map(\.name))
        #expect(file.parameterCount == want["parameter_count"]?.intValue)
        #expect(file.tensorBytes == want["total_bytes"]?.intValue)
        let meta = Dictionary(file.metadata.map { ($0.key, $0.value) }) { a, _ in a }
        #expect(meta["backend"] == want["root_attrs"]?["backend"]?.stringValue)
        #expect(meta["keras_version"] == want["root_attrs"]?["keras_version"]?.stringValue)
    }

    @Test(arguments: variants)
    func valuesMatchH5JSONSummaries(_ fixture: String) throws {
        let file = try KerasWeightsFile(path: Fixtures.path(fixture))
        let entry = try Fixtures.h5Entry(fixture)
        let datasets = Dictionary((entry["datasets"]?.arrayValue ?? []).map { ($0["path"]!.stringValue!, $0) }) { a, _ in a }
        #expect(datasets.count == file.weights.count)
        for weight in file.weights {
            let summary = try #require(datasets["/\(weight.layer)/\(weight.name)"]?["summary"], "\(weight.name)")
            let v = values(try file.tensor(named: weight.name))
            #expect(allClose([v.reduce(0, +)], [summary["sum"]!.doubleValue!], atol: 1e-9, rtol: 1e-9), "\(weight.name)")
            #expect(v.min() == summary["min"]?.doubleValue && v.max() == summary["max"]?.doubleValue, "\(weight.name)")
            #expect(Array(v.prefix(16)) == doubles(summary["first"]), "\(weight.name)")
        }
    }

    /// The variants hold exactly their source's tensors: compare all bytes, name by name.
    @Test(arguments: pairs)
    func variantsHoldTheSourceTensors(_ source: String, _ variant: String) throws {
        let a = try KerasWeightsFile(path: Fixtures.path(source))
        let b = try KerasWeightsFile(path: Fixtures.path(variant))
        #expect(a.weights.count == b.weights.count)
        for (x, y) in zip(a.weights, b.weights) {
            // Variants rename only the model component or the ":0" suffix.
            let strip = { (n: String) in n.hasSuffix(":0") ? String(n.dropLast(2)) : n }
            #expect(strip(x.nameWithoutModel) == strip(y.nameWithoutModel))
            #expect(x.layer == y.layer && x.shape == y.shape && x.dtype == y.dtype)
            let tx = try a.tensor(named: x.name), ty = try b.tensor(named: y.name)
            let same = tx.data.withUnsafeBytes { p in ty.data.withUnsafeBytes { q in p.elementsEqual(q) } }
            #expect(same, "\(x.name)")
        }
    }

    @Test func namesKeepTheirModelComponentAndSuffix() throws {
        let suffixed = try KerasWeightsFile(path: Fixtures.path("h5/tf-in21k-suffix-1.h5"))
        #expect(suffixed.weights.first?.name == "tf_vi_t_model_1/vit/embeddings/cls_token:0")
        #expect(suffixed.weights.first?.nameWithoutModel == "vit/embeddings/cls_token:0")
        let keras3 = try KerasWeightsFile(path: Fixtures.path("h5/tf-classifier-keras3-names.h5"))
        #expect(keras3.weights.allSatisfy { !$0.name.hasSuffix(":0") })
        let classifier = try KerasWeightsFile(path: Fixtures.path("models/tf-classifier/tf_model.h5"))
        #expect(classifier.weights.filter { $0.layer == "classifier" }.map(\.nameWithoutModel) == ["classifier/kernel:0", "classifier/bias:0"])
    }

    @Test func genericReaderSeesTheSameDatasets() throws {
        let keras = try KerasWeightsFile(path: Fixtures.path("models/tf-classifier/tf_model.h5"))
        let generic = try HDF5File(path: Fixtures.path("models/tf-classifier/tf_model.h5"))
        #expect(Set(generic.tensors.map(\.name)) == Set(keras.weights.map { "\($0.layer)/\($0.name)" }))
        let meta = Dictionary(generic.metadata.map { ($0.key, $0.value) }) { a, _ in a }
        #expect(meta["layer_names"] == #"["vit","classifier"]"#)
    }

    @Test func shardsAndGenericFilesAreNotKerasWeights() {
        #expect(!KerasWeightsFile.isKerasWeights(Fixtures.path("h5/generic.h5")))
        #expect(!KerasWeightsFile.isKerasWeights(Fixtures.path("h5/tf-classifier-sharded/tf_model-00001-of-00002.h5")))
        #expect(!KerasWeightsFile.isKerasWeights(Fixtures.path("h5/tf-classifier-sharded/tf_model.h5.index.json")))
        #expect(!KerasWeightsFile.isKerasWeights(Fixtures.path("does-not-exist.h5")))
    }
}
