import Foundation
import Testing
import SafeTensors
import Tensors

/// A ViT large enough that reading or writing it takes a while (so a test can act in the
/// middle): the sample classifier with `labels` classes, written as a config-less
/// safetensors file by vitkit's own writer (the content is not what is being tested).
enum LargeModel {
    static func make(in dir: URL, labels: Int = 600_000) throws -> String {
        let source = try SafeTensorsFile(path: CLI.sample("models/hf-classifier/model.safetensors"))
        let hidden = try #require(source.tensors.first { $0.name == "classifier.weight" }).shape[1]
        var entries = source.tensors.filter { !$0.name.hasPrefix("classifier.") }
        entries.append(TensorInfo(name: "classifier.weight", dtype: .f32, shape: [labels, hidden]))
        entries.append(TensorInfo(name: "classifier.bias", dtype: .f32, shape: [labels]))
        let path = dir.appendingPathComponent("large.safetensors").path
        try SafeTensorsWriter.write(to: path, entries: entries) { (info) throws(CheckpointError) -> Tensor in
            if info.name.hasPrefix("classifier.") {
                let count = info.shape.reduce(1, *)
                return Tensor(floats: [Float](repeating: 0.001, count: count), shape: info.shape)
            }
            return try source.tensor(named: info.name)
        }
        return path
    }
}
