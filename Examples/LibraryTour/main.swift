import VitKit

let model = try ViTCheckpoint(path: "samples/models/hf-classifier")  // any format, file or directory
print(model.scheme.id, model.config.hiddenSize, model.report.mapped.count)  // inspect
try model.requireComplete()  // every graph parameter found, nothing unused
let converted = try Conversion.convert(model, to: .timm, destination: "/tmp/vitkit-tour.safetensors",
                                       options: .init(force: true))  // convert
let pipeline = try ViTPipeline(checkpoint: model)
let outputs = try pipeline.run(paths: ["samples/images/chelsea.png"])  // predict
print(pipeline.topK(outputs[0], k: 3).map(\.label), converted.tensors)
let expected = try Expectations(path: "samples/expected/expectations/hf-classifier.json")
print(try VerifyRun.run(model, expectations: expected).passed)  // verify
