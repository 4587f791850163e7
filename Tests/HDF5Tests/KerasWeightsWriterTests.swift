import Testing
import Tensors
@testable import HDF5

@Suite("KerasWeightsWriter")
struct KerasWeightsWriterTests {
    let dir: TemporaryDirectory
    init() throws { dir = try TemporaryDirectory() }

    static let source = Fixtures.path("models/tf-classifier/tf_model.h5")

    /// The layers of a Keras file in model order with their weight names.
    func layers(of file: KerasWeightsFile) -> [(layerName: String, weightNames: [String])] {
        file.layerNames.map { layer in (layer, file.weights.filter { $0.layer == layer }.map(\.name)) }
    }

    /// Rewrites the transformers file, streaming tensors in reverse order.
    func rewrite(_ sourcePath: String, to name: String) throws -> String {
        let source = try KerasWeightsFile(path: sourcePath)
        let destination = dir.file(name)
        let writer = try KerasWeightsWriter(destination: destination, layers: layers(of: source))
        for weight in source.weights.reversed() {
            try writer.write(weightName: weight.name, tensor: try source.tensor(named: weight.name))
        }
        try writer.commit()
        return destination
    }

    @Test(arguments: ["models/tf-classifier/tf_model.h5", "models/tf-in21k/tf_model.h5"])
    func rewritesTransformersFilesExactly(_ fixture: String) throws {
        let original = Fixtures.path(fixture)
        let written = try rewrite(original, to: "tf_model.h5")
        #expect(try dir.contents() == ["tf_model.h5"], "no temporary file left")
        let a = try KerasWeightsFile(path: original), b = try KerasWeightsFile(path: written)
        #expect(a.layerNames == b.layerNames && a.weights == b.weights)
        for w in a.weights {
            let x = try a.tensor(named: w.name), y = try b.tensor(named: w.name)
            #expect(x.data.withUnsafeBytes { p in y.data.withUnsafeBytes { q in p.elementsEqual(q) } }, "\(w.name)")
        }
        // Same groups, datasets and attribute storage as tf_keras + h5py write.
        let ga = try HDF5File(path: original), gb = try HDF5File(path: written)
        #expect(ga.groups.sorted() == gb.groups.sorted())
        #expect(ga.tensors.map(\.name).sorted() == gb.tensors.map(\.name).sorted())
        for (object, name) in [("/", "layer_names"), ("/", "backend"), ("/", "keras_version"),
                               ("/vit", "weight_names"), ("/top_level_model_weights", "weight_names")] {
            #expect(HDF5TestFiles.attributeInfo(written, object, name) == HDF5TestFiles.attributeInfo(original, object, name), "\(object) \(name)")
        }
        #expect(HDF5TestFiles.attributeInfo(written, "/", "layer_names").hasPrefix("vlen ascii nullterm"))
        #expect(HDF5TestFiles.attributeInfo(written, "/", "backend") == "vlen ascii nullterm scalar")
        #expect(HDF5TestFiles.attributeInfo(written, "/top_level_model_weights", "weight_names") == "float 8 [0]")
        for t in ga.tensors {
            #expect(HDF5TestFiles.datasetInfo(written, "/" + t.name) == HDF5TestFiles.datasetInfo(original, "/" + t.name))
        }
        #expect(HDF5TestFiles.datasetInfo(written, "/" + gb.tensors[0].name) == "contiguous float 4 le filters=0")
        let meta = Dictionary(b.metadata.map { ($0.key, $0.value) }) { x, _ in x }
        #expect(meta == ["backend": "tensorflow", "keras_version": "2.21.0"])
    }

    @Test func longWeightListsAreSplitAsKerasSplitsThem() throws {
        let names = (0..<1000).map { "model/layer/weight_with_a_long_name_\(String(repeating: "x", count: 50))_\($0):0" }
        let destination = dir.file("split.h5")
        let writer = try KerasWeightsWriter(destination: destination, layers: [("layer", names)])
        for (i, name) in names.enumerated() { try writer.write(weightName: name, tensor: Tensor(floats: [Float(i)], shape: [1])) }
        try writer.commit()
        let longest = names.map(\.utf8.count).max()!
        #expect(longest * 1000 > KerasLayout.headerLimit && longest * 500 <= KerasLayout.headerLimit)
        #expect(HDF5TestFiles.attributeInfo(destination, "/layer", "weight_names").hasPrefix("missing"))
        #expect(HDF5TestFiles.attributeInfo(destination, "/layer", "weight_names0") == "fixed \(longest) ascii nullpad [500]")
        #expect(HDF5TestFiles.attributeInfo(destination, "/layer", "weight_names1") == "fixed \(longest) ascii nullpad [500]")
        let file = try KerasWeightsFile(path: destination)
        #expect(file.weights.map(\.name) == names)
        #expect(try values(file.tensor(named: names[999])) == [999])
    }

    @Test func everyDTypeH5pyStoresRoundTrips() throws {
        let destination = dir.file("dtypes.h5")
        let cases: [(String, DType, [Int], [UInt8])] = [
            ("m/f16:0", .f16, [2], [0x00, 0x3C, 0x00, 0xC0]),
            ("m/f64:0", .f64, [], Array(withUnsafeBytes(of: 2.75) { $0 })),
            ("m/i8:0", .i8, [2], [0x80, 0x7F]),
            ("m/u16:0", .u16, [1], [0x34, 0x12]),
            ("m/i32:0", .i32, [1, 1], [0xFF, 0xFF, 0xFF, 0xFF]),
            ("m/u64:0", .u64, [1], [1, 2, 3, 4, 5, 6, 7, 8]),
            ("m/bool:0", .bool, [3], [1, 0, 1]),
            ("m/empty:0", .f32, [0, 4], []),
        ]
        let writer = try KerasWeightsWriter(destination: destination, layers: [("m", cases.map(\.0))])
        for (name, dtype, shape, bytes) in cases {
            try writer.write(weightName: name, tensor: Tensor(dtype: dtype, shape: shape, data: bytes.withUnsafeBytes { .copying($0) }))
        }
        try writer.commit()
        let file = try KerasWeightsFile(path: destination)
        for (name, dtype, shape, bytes) in cases {
            let t = try file.tensor(named: name)
            #expect(t.dtype == dtype && t.shape == shape, "\(name)")
            #expect(t.data.withUnsafeBytes { Array($0) } == bytes, "\(name)")
        }
        #expect(try values(file.tensor(named: "m/f16:0")) == [1, -2])
    }

    @Test func missingWeightsFailCommitAndLeaveNoFile() throws {
        let destination = dir.file("partial.h5")
        do {
            let writer = try KerasWeightsWriter(destination: destination, layers: [("vit", ["m/a:0", "m/b:0"])])
            try writer.write(weightName: "m/a:0", tensor: Tensor(floats: [1], shape: [1]))
            let error = expectError { try writer.commit() }
            #expect(error == .malformed(file: destination, reason: "1 declared weight(s) never written: 'm/b:0'"))
        }
        #expect(try dir.contents().isEmpty, "temporary file removed, destination never created")
    }

    @Test func destinationIsReplacedOnlyByCommit() throws {
        let destination = try dir.write(Array("old".utf8), to: "tf_model.h5")
        let writer = try KerasWeightsWriter(destination: destination, layers: [("vit", ["m/a:0"])])
        try writer.write(weightName: "m/a:0", tensor: Tensor(floats: [1, 2], shape: [2]))
        #expect(try dir.read("tf_model.h5") == Array("old".utf8))
        #expect(try dir.contents().count == 2, "a hidden temporary beside the destination")
        try writer.commit()
        #expect(try dir.contents() == ["tf_model.h5"])
        #expect(try values(KerasWeightsFile(path: destination).tensor(named: "m/a:0")) == [1, 2])
    }

    @Test func rejectsBadNamesAndTensors() throws {
        let destination = dir.file("bad.h5")
        for layers in [[("a/b", ["w"])], [("", ["w"])], [("x", ["w"]), ("x", ["v"])], [("top_level_model_weights", ["w"])],
                       [("x", ["a//b"])], [("x", ["/abs"])], [("x", ["w"]), ("y", ["w"])]] {
            guard case .malformed? = expectError({ _ = try KerasWeightsWriter(destination: destination, layers: layers) }) else {
                Issue.record("accepted \(layers)")
                continue
            }
        }
        let writer = try KerasWeightsWriter(destination: destination, layers: [("x", ["w"])])
        #expect(expectError { try writer.write(weightName: "nope", tensor: Tensor(floats: [1], shape: [1])) } == .unknownTensor(file: destination, tensor: "nope"))
        let bf16 = Tensor(dtype: .bf16, shape: [1], data: [UInt8(0), 0x3F].withUnsafeBytes { .copying($0) })
        guard case .unsupportedDType? = expectError({ try writer.write(weightName: "w", tensor: bf16) }) else { Issue.record("bf16 accepted"); return }
        let short = Tensor(dtype: .f32, shape: [4], data: [UInt8](repeating: 0, count: 8).withUnsafeBytes { .copying($0) })
        let writer2 = try KerasWeightsWriter(destination: destination, layers: [("x", ["w"])])
        guard case .sizeMismatch? = expectError({ try writer2.write(weightName: "w", tensor: short) }) else { Issue.record("short data accepted"); return }
        try writer2.write(weightName: "w", tensor: Tensor(floats: [1], shape: [1]))
        try writer2.commit()
    }
}
