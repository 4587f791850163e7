import Foundation
import Testing
import Tensors

/// `vitkit inspect --json` against what Python (safetensors, h5py, numpy) recorded in
/// samples/expected/checkpoints.json.
@Suite("vitkit inspect")
struct InspectCommandTests {
    static let expected: [JSON] = {
        let data = try! Data(contentsOf: URL(fileURLWithPath: CLI.sample("expected/checkpoints.json")))
        return (try! JSON.parse([UInt8](data)))["checkpoints"]!.arrayValue!
    }()

    /// (path to inspect, recorded files whose tensors it must list)
    static let cases: [(String, [String])] = [
        ("models/hf-in21k", ["models/hf-in21k/model.safetensors"]),
        ("models/hf-classifier/model.safetensors", ["models/hf-classifier/model.safetensors"]),
        ("models/hf-classifier-f16", ["models/hf-classifier-f16/model.safetensors"]),
        ("models/hf-classifier-bf16", ["models/hf-classifier-bf16/model.safetensors"]),
        ("models/timm/classifier.safetensors", ["models/timm/classifier.safetensors"]),
        ("models/hf-sharded", ["models/hf-sharded/model-00001-of-00003.safetensors",
                               "models/hf-sharded/model-00002-of-00003.safetensors",
                               "models/hf-sharded/model-00003-of-00003.safetensors"]),
        ("models/jax/in21k.npz", ["models/jax/in21k.npz"]),
        ("models/jax/in21k-opt-target.npz", ["models/jax/in21k-opt-target.npz"]),
        ("models/jax/classifier-big-vision.npz", ["models/jax/classifier-big-vision.npz"]),
        ("models/tf-classifier", ["models/tf-classifier/tf_model.h5"]),
        ("models/tf-in21k/tf_model.h5", ["models/tf-in21k/tf_model.h5"]),
    ]

    static func dtypeName(_ s: String) -> String {
        let map = ["<f4": "F32", "<f2": "F16", "<f8": "F64", "<i8": "I64", "<i4": "I32", "|u1": "U8", "|b1": "BOOL", "float32": "F32"]
        return map[s] ?? s
    }

    @Test(arguments: cases)
    func listsExactlyWhatPythonReports(path: String, files: [String]) throws {
        let r = try CLI.run(["inspect", CLI.sample(path), "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(r.json)
        let records = files.map { f in Self.expected.first { $0["path"]?.stringValue == f }! }
        var want: [String: (String, [Int])] = [:]
        var params = 0, bytes = 0
        for rec in records {
            for t in rec["tensors"]!.arrayValue! {
                want[t["name"]!.stringValue!] = (Self.dtypeName(t["dtype"]!.stringValue!), t["shape"]!.arrayValue!.map { $0.intValue! })
            }
            params += rec["parameter_count"]!.intValue!
            bytes += rec["total_bytes"]!.intValue!
        }
        let tensors = try #require(json["tensors"]?.arrayValue)
        var got: [String: (String, [Int])] = [:]
        for t in tensors { got[t["name"]!.stringValue!] = (t["dtype"]!.stringValue!, t["shape"]!.arrayValue!.map { $0.intValue! }) }
        #expect(Set(got.keys) == Set(want.keys))
        for (name, (dtype, shape)) in want {
            #expect(got[name]?.0 == dtype, "\(name)")
            #expect(got[name]?.1 == shape, "\(name)")
        }
        #expect(json["parameters"]?.intValue == params)
        #expect(json["bytes"]?.intValue == bytes)
        #expect(json["format"]?.stringValue != nil)
        #expect(json["metadata"]?.objectValue != nil)
    }

    @Test func configUsesViTConfigFieldNamesAndSchemeIsShown() throws {
        let r = try CLI.run(["inspect", CLI.sample("models/hf-classifier"), "--json"])
        let json = try #require(r.json)
        #expect(json["config"]?["hidden_size"]?.intValue == 48)
        #expect(json["config"]?["num_attention_heads"]?.intValue == 4)
        #expect(json["scheme"]?.stringValue == "hf")
        #expect(json["graph"]?["parameters"]?.intValue == 76037)
        let jax = try #require(try CLI.run(["inspect", CLI.sample("models/jax/classifier.npz"), "--json"]).json)
        #expect(jax["scheme"]?.stringValue == "jax")
        #expect(jax["config"]?["intermediate_size"]?.intValue == 96)
        #expect(jax["config"]?["num_attention_heads"]?.intValue == 4)
    }

    @Test func filterNarrowsTheList() throws {
        let r = try CLI.run(["inspect", CLI.sample("models/hf-classifier"), "--json", "--filter", "*layer.1.*weight"])
        let names = try #require(r.json?["tensors"]?.arrayValue).map { $0["name"]!.stringValue! }
        #expect(names.count == 8)
        #expect(names.allSatisfy { $0.contains("layer.1.") && $0.hasSuffix("weight") })
    }

    @Test func tableShowsTotalsAndLayerView() throws {
        let r = try CLI.run(["inspect", CLI.sample("models/hf-in21k")])
        #expect(r.status == 0)
        #expect(r.stdout.contains("40 tensors, 78,144 parameters"))
        #expect(r.stdout.contains("scheme: hf"))
        #expect(r.stdout.contains("pooler"))
    }
}

/// `inspect` on NumPy and generic HDF5 files: names as numpy/h5py show them.
@Suite("vitkit inspect on NumPy and HDF5")
struct InspectOtherContainersTests {
    @Test func npyIsNamedAfterItsStemAndNpzMembersLoseTheirSuffix() throws {
        let npy = try #require(try CLI.run(["inspect", CLI.sample("numpy/f4.npy"), "--json"]).json)
        #expect(npy["format"]?.stringValue == "npy")
        #expect(npy["tensors"]?.arrayValue?.map { $0["name"]?.stringValue } == ["f4"])
        let npz = try #require(try CLI.run(["inspect", CLI.sample("numpy/slash-names.npz"), "--json"]).json)
        let names = npz["tensors"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(names.contains("cls") && names.contains { $0.contains("/") } && !names.contains { $0.hasSuffix(".npy") })
    }

    @Test func picklesAreRefusedWithAReason() throws {
        let r = try CLI.run(["inspect", CLI.sample("numpy/object-pickle.npy")])
        #expect(r.status != 0)
        #expect(r.stderr.contains("pickle"))
    }

    @Test func genericHDF5ListsNumericDatasetsAndNamesTheSkippedOnes() throws {
        let r = try CLI.run(["inspect", CLI.sample("h5/generic.h5"), "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(r.json)
        #expect(json["format"]?.stringValue == "hdf5")
        #expect(json["tensors"]?.arrayValue?.count == 15)
        let skipped = json["skipped"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(Set(skipped) == ["strings", "fixed_strings"])
        #expect(json["scheme"] == nil)  // not a ViT: no layer view
    }
}
