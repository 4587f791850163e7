import ArgumentParser
import VitKit

struct Attention: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Where the model looks: the class token's attention over the patches, laid over the photo as a PNG.",
        discussion: """
            By default the attention rollout over every block (Abnar & Zuidema 2020: heads averaged, \
            (A + I) / 2 per block, multiplied from the last block down); --layer L shows block L's \
            own head-averaged attention (0-based). --json prints {checkpoint, image, method, layer, \
            grid_size, grid} with the raw values (rows of patches, top to bottom).
            """
    )

    @Argument(help: "Checkpoint (any format).") var checkpoint: String
    @Argument(help: "A PNG or JPEG image.") var image: String
    @Option(name: .shortAndLong, help: "Write the picture here (PNG).") var output: String?
    @Option(help: ArgumentHelp("Show this block's attention instead of the rollout (0-based).", valueName: "L")) var layer: Int?
    @Flag(help: "The attention rollout over every block (the default).") var rollout = false
    @Option(help: "Run at this square resolution (position embeddings interpolated).") var imageSize: Int?
    @Flag(help: "Print the grid of values as JSON.") var json = false
    @Flag(help: "Replace an existing --output file.") var force = false
    @Flag(help: "Ignore stored tensors that are not part of the graph.") var allowUnused = false
    @Option(help: ArgumentHelp("TrueType font for the caption.", valueName: "file.ttf")) var font = PNGFile.defaultFontPath
    @OptionGroup var vit: ViTOptions

    func validate() throws {
        try NumericOption.positive(imageSize, "--image-size")
        if let layer, layer < 0 { throw ValidationError("--layer must be 0 or more, found \(layer)") }
        if layer != nil, rollout { throw ValidationError("--layer and --rollout exclude each other") }
        guard output != nil || json else { throw ValidationError("give -o FILE.png, --json, or both") }
    }

    func run() throws {
        let model = try vit.vit(checkpoint)
        if let layer, layer >= model.config.numHiddenLayers {
            throw ValidationError("--layer \(layer): the model has blocks 0 to \(model.config.numHiddenLayers - 1)")
        }
        let pipeline = try ViTPipeline(checkpoint: model, imageSize: imageSize, allowUnused: allowUnused)
        let maps = try pipeline.attentionMaps(path: image)
        let values = layer.map { maps.classAttention(layer: $0) } ?? maps.rollout()
        guard values.allSatisfy(\.isFinite) else {
            throw ViTError.nonFiniteOutput(file: model.checkpoint.path, image: image, outputs: ["attention"],
                                           weight: model.firstNonFiniteParameter())
        }
        if let output {
            let caption = layer.map { "block \($0) attention of the class token" }
                ?? "attention rollout over \(maps.layers) blocks"
            let picture = AttentionPicture(values: values, grid: maps.grid, photo: try ImageDecoder.decode(path: image),
                                           caption: caption, fontPath: font)
            try picture.write(to: output, inputs: model.checkpoint.inputFiles + [image], replace: force)
        }
        if json {
            let rows = (0..<maps.grid).map { r in JSON.array(values[(r * maps.grid)..<((r + 1) * maps.grid)].map { .float($0) }) }
            print(JSON.object([
                ("checkpoint", .string(checkpoint)), ("image", .string(image)),
                ("method", .string(layer == nil ? "rollout" : "layer")), ("layer", layer.map { .int($0) } ?? .null),
                ("grid_size", .int(maps.grid)), ("grid", .array(rows)),
            ]).prettyText)
        }
    }
}
