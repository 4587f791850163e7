import ArgumentParser
import VitKit

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a ViT checkpoint on images: top-k labels, or an embedding summary for models without a classifier.",
        discussion: "--json prints {\"results\": [{image, logits, pooler_output, cls, top_k}]} in argument order."
    )

    @Argument(help: "Checkpoint (any format).") var checkpoint: String
    @Argument(help: "PNG or JPEG images.") var images: [String]
    @Option(help: "How many classes to show per image.") var topK = 5
    @Option(help: "Run at this square resolution (position embeddings interpolated).") var imageSize: Int?
    @Flag(help: "Print JSON.") var json = false
    @Option(help: "Also write each image's pixel tensor [3,S,S] as DIR/<image name>.npy.") var savePixels: String?
    @Flag(help: "Replace existing files under --save-pixels.") var force = false
    @Flag(help: "Ignore stored tensors that are not part of the graph.") var allowUnused = false
    @OptionGroup var vit: ViTOptions
    @OptionGroup var computeOptions: ComputeOptions
    @OptionGroup var processorOption: ProcessorOption

    func validate() throws {
        try NumericOption.positive(topK, "--top-k")
        try NumericOption.positive(imageSize, "--image-size")
        guard !images.isEmpty else { throw ValidationError("give at least one image") }
    }

    func run() throws {
        let model = try vit.vit(checkpoint)
        computeOptions.noteFallback()
        let pipeline = try ViTPipeline(checkpoint: model, imageSize: imageSize, allowUnused: allowUnused,
                                       compute: computeOptions.compute, processor: processorOption.processor)
        if let dir = savePixels {
            _ = try pipeline.savePixels(images: images, directory: dir, inputs: model.checkpoint.inputFiles + images, replace: force)
        }
        let outputs = try pipeline.run(paths: images)
        // NaN or infinity would print as "nan%" or null scores: refuse before printing anything.
        try pipeline.requireFinite(outputs, images: images)
        if json {
            print(JSON.object([("results", .array(zip(images, outputs).map { pipeline.json(image: $0, output: $1, topK: topK) }))]).prettyText)
            return
        }
        for (image, out) in zip(images, outputs) {
            printText(image)
            let top = pipeline.topK(out, k: topK)
            if top.isEmpty {
                let v = out.poolerOutput ?? out.cls
                let norm = v.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
                let kind = out.poolerOutput != nil ? "pooler output" : "cls embedding"
                printText("  \(kind): \(v.count) values, L2 norm \(fmt(norm)), first: " + v.prefix(5).map { fmt(Double($0)) }.joined(separator: " "))
            }
            for t in top { printText("  \(fmt(Double(t.score) * 100))%  \(t.label)  (class \(t.index))") }
        }
    }

    func fmt(_ v: Double) -> String {
        let r = (v * 1000).rounded() / 1000
        return "\(r)"
    }
}
