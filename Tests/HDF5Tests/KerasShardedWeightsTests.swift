import Foundation
import Testing
import Tensors
@testable import HDF5

@Suite("KerasShardedWeights")
struct KerasShardedWeightsTests {
    let dir: TemporaryDirectory
    init() throws { dir = try TemporaryDirectory() }

    static let fixture = "h5/tf-classifier-sharded"

    @Test func matchesTheIndexAndShardEntries() throws {
        let sharded = try KerasShardedWeights(path: Fixtures.path(Self.fixture))
        let index = try Fixtures.checkpointEntry(Self.fixture + "/tf_model.h5.index.json")
        #expect(sharded.format == "keras-h5-sharded")
        #expect(sharded.path == Fixtures.path(Self.fixture + "/tf_model.h5.index.json"))
        #expect(sharded.shardFiles == (index["shards"]?.arrayValue ?? []).compactMap { $0.stringValue.map { Fixtures.path(Self.fixture + "/" + $0) } })
        let map = index["weight_map"]?.objectValue ?? []
        #expect(Set(sharded.tensors.map(\.name)) == Set(map.map(\.0)))
        #expect(sharded.tensorBytes == index["metadata"]?["total_size"]?.intValue)
        #expect(sharded.metadata.first?.value == index["metadata"]?["total_size"].map { $0.intValue.map(String.init) ?? "" })
        // Each shard's entry lists its tensors (without the model name) in layer_names order.
        var expectedOrder: [String] = []
        for shard in index["shards"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            let entry = try Fixtures.checkpointEntry(Self.fixture + "/" + shard)
            for t in entry["tensors"]?.arrayValue ?? [] {
                let stripped = t["name"]!.stringValue!
                let full = try #require(map.first { KerasLayout.stripModelName($0.0) == stripped }?.0)
                #expect(map.first { $0.0 == full }?.1.stringValue == shard)
                #expect(sharded.shardFile(of: full) == Fixtures.path(Self.fixture + "/" + shard))
                let info = try #require(sharded.info(named: full))
                #expect(numpyDType(info.dtype) == t["dtype"]?.stringValue && info.shape == t["shape"]?.arrayValue?.compactMap(\.intValue))
                #expect(sharded.layer(of: full) == String(stripped.split(separator: "/")[0]))
                expectedOrder.append(full)
            }
        }
        #expect(sharded.tensors.map(\.name) == expectedOrder)
    }

    @Test func holdsTheUnshardedTensorsAndSummaries() throws {
        let sharded = try KerasShardedWeights(path: Fixtures.path(Self.fixture + "/tf_model.h5.index.json"))
        let whole = try KerasWeightsFile(path: Fixtures.path("models/tf-classifier/tf_model.h5"))
        #expect(Set(sharded.tensors.map(\.name)) == Set(whole.weights.map(\.name)))
        for w in whole.weights {
            #expect(sharded.layer(of: w.name) == w.layer)
            let a = try sharded.tensor(named: w.name), b = try whole.tensor(named: w.name)
            #expect(a.data.withUnsafeBytes { p in b.data.withUnsafeBytes { q in p.elementsEqual(q) } }, "\(w.name)")
        }
        for shard in sharded.shardFiles {
            let name = String(shard.dropFirst(Fixtures.path("").count))
            for d in try Fixtures.h5Entry(name)["datasets"]?.arrayValue ?? [] {
                let stripped = String(d["path"]!.stringValue!.dropFirst())
                let full = try #require(sharded.tensors.first { KerasLayout.stripModelName($0.name) == stripped }?.name)
                #expect(Array(values(try sharded.tensor(named: full)).prefix(16)) == doubles(d["summary"]?["first"]))
            }
        }
        #expect(expectError { _ = try sharded.tensor(named: "vit/embeddings/cls_token:0") } != nil, "names carry the model component")
    }

    // MARK: inconsistencies, on synthetic shards written with the internal writer

    /// Writes shards `files[i]` holding `contents[i]` (names without the model component)
    /// and an index with `map` (full names) and `total`.
    func shards(_ contents: [String: [String]], map: [String: String], total: Int? = nil) throws -> String {
        for (file, names) in contents {
            let w = try HDF5Writer(creating: dir.file(file))
            for name in names { try w.writeDataset("/" + name, Tensor(floats: [1, 2], shape: [2])) }
            try w.writeStrings(on: "/", "layer_names", names)
            try w.close()
        }
        var index: [(String, JSON)] = [("weight_map", .object(map.sorted { $0.key < $1.key }.map { ($0.key, JSON.string($0.value)) }))]
        if let total { index.insert(("metadata", .object([("total_size", .int(total))])), at: 0) }
        _ = try dir.write(Array(JSON.object(index).prettyText.utf8), to: "tf_model.h5.index.json")
        return dir.path
    }

    static let one = "tf_model-00001-of-00002.h5", two = "tf_model-00002-of-00002.h5"

    func reason(_ path: String) -> String? {
        guard case .malformed(_, let reason)? = expectError({ _ = try KerasShardedWeights(path: path) }) else { return nil }
        return reason
    }

    @Test func consistentSyntheticShardsOpen() throws {
        let path = try shards([Self.one: ["vit/a:0"], Self.two: ["vit/b:0"]],
                              map: ["m/vit/a:0": Self.one, "m/vit/b:0": Self.two], total: 16)
        let s = try KerasShardedWeights(path: path)
        #expect(s.tensors.map(\.name) == ["m/vit/a:0", "m/vit/b:0"])
    }

    @Test func missingShardFile() throws {
        let path = try shards([Self.one: ["vit/a:0"]], map: ["m/vit/a:0": Self.one, "m/vit/b:0": Self.two])
        #expect(reason(path)?.hasPrefix("shard '\(Self.two)' named in the weight map is missing") == true)
    }

    @Test func shardNeverNamedByTheMap() throws {
        let three = "tf_model-00003-of-00003.h5", first = "tf_model-00001-of-00003.h5"
        let path = try shards([first: ["vit/a:0"], three: ["vit/b:0"]], map: ["m/vit/a:0": first, "m/vit/b:0": three])
        #expect(reason(path) == "shard 'tf_model-00002-of-00003.h5' of 3 is never named by the weight map")
    }

    @Test func tensorInTwoShards() throws {
        let path = try shards([Self.one: ["vit/a:0"], Self.two: ["vit/a:0", "vit/b:0"]],
                              map: ["m/vit/a:0": Self.one, "m/vit/b:0": Self.two])
        #expect(reason(path) == "weight 'm/vit/a:0' is in two shards: '\(Self.one)' and '\(Self.two)'")
    }

    @Test func mapDisagreesWithShards() throws {
        let moved = try shards([Self.one: ["vit/a:0", "vit/b:0"], Self.two: []], map: ["m/vit/a:0": Self.one, "m/vit/b:0": Self.two])
        #expect(reason(moved) == "weight 'm/vit/b:0' is in shard '\(Self.one)' but the weight map says '\(Self.two)'")
    }

    @Test func shardLacksAMappedTensor() throws {
        let path = try shards([Self.one: ["vit/a:0"], Self.two: ["vit/c:0"]],
                              map: ["m/vit/a:0": Self.one, "m/vit/b:0": Self.two, "m/vit/c:0": Self.two])
        #expect(reason(path) == "the weight map puts 'm/vit/b:0' in shard '\(Self.two)', which does not list it")
    }

    @Test func unlistedTensorInAShard() throws {
        let path = try shards([Self.one: ["vit/a:0", "vit/z:0"], Self.two: ["vit/b:0"]],
                              map: ["m/vit/a:0": Self.one, "m/vit/b:0": Self.two])
        #expect(reason(path) == "shard '\(Self.one)' holds 'vit/z:0', which the weight map does not list")
    }

    @Test func totalSizeMismatch() throws {
        let path = try shards([Self.one: ["vit/a:0"], Self.two: ["vit/b:0"]],
                              map: ["m/vit/a:0": Self.one, "m/vit/b:0": Self.two], total: 17)
        #expect(reason(path) == "metadata.total_size is 17 but the shards hold 16 bytes of tensors")
    }

    @Test func badIndexFiles() throws {
        #expect(reason(try dir.write(Array("{".utf8), to: "a.json"))?.hasPrefix("invalid JSON") == true)
        #expect(reason(try dir.write(Array(#"{"weight_map": {}}"#.utf8), to: "b.json")) == "the weight map is empty")
        #expect(reason(try dir.write(Array(#"{"weight_map": {"w": "../x.h5"}}"#.utf8), to: "c.json"))?.contains("not a plain file name") == true)
        guard case .io? = expectError({ _ = try KerasShardedWeights(path: dir.file("nothing-here")) }) else { Issue.record("expected .io"); return }
    }
}
