import Testing
import Tensors
@testable import HDF5

/// Keras files whose structure is wrong, built with the internal writer: each a clear
/// `.malformed`/`.unsupportedDType` naming the file and the layer or weight.
@Suite("Keras structure errors")
struct KerasStructureTests {
    let dir: TemporaryDirectory
    init() throws { dir = try TemporaryDirectory() }

    /// A one-layer Keras file with weight `m/vit/w:0`, then `edit`.
    func keras(_ name: String, layers: [String] = ["vit"], weights: [String] = ["m/vit/w:0"],
               write: Bool = true, _ edit: (HDF5Writer) throws -> Void = { _ in }) throws -> String {
        let path = dir.file(name)
        let w = try HDF5Writer(creating: path)
        try w.writeStrings(on: "/", "layer_names", layers)
        try w.createGroup("/vit")
        try w.writeStrings(on: "/vit", "weight_names", weights)
        if write { try w.writeDataset("/vit/m/vit/w:0", Tensor(floats: [1, 2], shape: [2])) }
        try edit(w)
        try w.close()
        return path
    }

    func malformedReason(_ path: String) -> String? {
        guard case .malformed(let file, let reason)? = expectError({ _ = try KerasWeightsFile(path: path) }) else { return nil }
        #expect(file == path)
        return reason
    }

    @Test func wellFormedBaseline() throws {
        let file = try KerasWeightsFile(path: try keras("ok.h5"))
        #expect(file.weights == [KerasWeight(name: "m/vit/w:0", layer: "vit", dtype: .f32, shape: [2])])
    }

    @Test func missingLayerNames() throws {
        let path = dir.file("nolayers.h5")
        let w = try HDF5Writer(creating: path)
        try w.writeDataset("/x", Tensor(floats: [1], shape: [1]))
        try w.close()
        #expect(malformedReason(path) == "not a Keras weight file: no 'layer_names' attribute")
        #expect(!KerasWeightsFile.isKerasWeights(path))
    }

    @Test func layerWithoutGroup() throws {
        let reason = try #require(malformedReason(try keras("nogroup.h5", layers: ["vit", "classifier"])))
        #expect(reason == "layer 'classifier' named by layer_names has no group '/classifier'")
    }

    @Test func weightWithoutDataset() throws {
        let reason = try #require(malformedReason(try keras("nodata.h5", weights: ["m/vit/w:0", "m/vit/b:0"])))
        #expect(reason == "weight 'm/vit/b:0' listed in weight_names of layer 'vit' has no dataset '/vit/m/vit/b:0'")
    }

    @Test func groupWithoutWeightNames() throws {
        let path = try keras("noweights.h5", layers: ["vit", "head"]) { try $0.createGroup("/head") }
        #expect(malformedReason(path) == "group '/head' of layer 'head' has no 'weight_names' attribute")
    }

    @Test func repeatedWeight() throws {
        let path = try keras("twice.h5", weights: ["m/vit/w:0", "m/vit/w:0"])
        #expect(malformedReason(path) == "weight 'm/vit/w:0' is listed twice (layers 'vit' and 'vit')")
    }

    @Test func numericLayerNames() throws {
        let path = dir.file("numeric.h5")
        let w = try HDF5Writer(creating: path)
        try w.writeDataset("/x", Tensor(floats: [1], shape: [1]))
        try w.close()
        try HDF5TestFiles.floatAttribute(path, on: "/", name: "layer_names", values: [1, 2])
        let reason = try #require(malformedReason(path))
        #expect(reason == "attribute 'layer_names' of '/' should be a list of strings", "\(reason)")
    }

    @Test func stringDatasetWhereNumbersBelong() throws {
        let path = dir.file("strings.h5")
        try HDF5TestFiles.stringDataset(path, build: { w in
            try w.writeStrings(on: "/", "layer_names", ["vit"])
            try w.createGroup("/vit")
            try w.writeStrings(on: "/vit", "weight_names", ["m/vit/w:0"])
        }, stringAt: "/vit/m/vit/w:0")
        let error = expectError { _ = try KerasWeightsFile(path: path) }
        #expect(error == .unsupportedDType(file: path, tensor: "/vit/m/vit/w:0", dtype: "variable-length string"))
    }

    @Test func invalidWeightPathComponents() throws {
        let path = try keras("dots.h5", weights: ["m/../w:0"])
        #expect(malformedReason(path) == "weight name 'm/../w:0' in layer 'vit' is not a valid HDF5 path")
    }

    @Test func emptyLayerList() throws {
        let path = try keras("empty.h5", layers: [])
        let file = try KerasWeightsFile(path: path)
        #expect(file.layerNames.isEmpty && file.tensors.isEmpty)
    }

    @Test func modelWeightsGroupOfFullModelSaves() throws {
        let path = dir.file("fullmodel.h5")
        let w = try HDF5Writer(creating: path)
        try w.writeStrings(on: "/", "model_config", ["{}"], scalar: true)
        try w.createGroup("/model_weights/dense")
        try w.writeStrings(on: "/model_weights", "layer_names", ["dense"])
        try w.writeStrings(on: "/model_weights/dense", "weight_names", ["dense/kernel:0"])
        try w.writeDataset("/model_weights/dense/dense/kernel:0", Tensor(floats: [1, 2, 3, 4], shape: [2, 2]))
        try w.close()
        #expect(KerasWeightsFile.isKerasWeights(path))
        let file = try KerasWeightsFile(path: path)
        #expect(file.weights.map(\.name) == ["dense/kernel:0"])
        #expect(try values(file.tensor(named: "dense/kernel:0")) == [1, 2, 3, 4])
    }
}
