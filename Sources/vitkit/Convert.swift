import ArgumentParser
import VitKit

extension DType: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.uppercased()) }
    /// The values `--dtype` takes, spelled as users type them (F64 etc. are accepted too).
    public static var allValueStrings: [String] { ["f32", "f16", "bf16"] }
}

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert a ViT checkpoint to another ecosystem's layout, losslessly.",
        discussion: """
        --to native: one safetensors file with vitkit's graph names and metadata.
        --to hf: a directory with model.safetensors + config.json (transformers from_pretrained).
        --to tf: a directory with tf_model.h5 + config.json (transformers TF classes).
        --to jax: an .npz with Google's original names (--scanned: big_vision's names, blocks stacked
        along axis 0 under Transformer/encoderblock/, as scan=True saves them).
        --to timm: a timm state-dict safetensors file.
        --to keras: a keras-hub preset directory (config.json, metadata.json, model.weights.h5; a
        classifier also task.json, task.weights.h5) that keras_hub's from_preset loads.
        """
    )

    @Argument(help: "Source checkpoint (file or directory).") var source: String
    @Argument(help: "Destination file (native, jax, timm) or directory (hf, tf, keras).") var destination: String
    @Option(help: "Target scheme: native, hf, tf, jax, timm or keras.") var to: NamingScheme.ID
    @Option(help: "Store floating-point tensors as f32, f16 or bf16 (default: keep).") var dtype: DType?
    @Flag(help: "Replace an existing destination.") var force = false
    @Flag(help: "Drop stored tensors that are not part of the graph (e.g. optimizer state) instead of failing.")
    var allowUnused = false
    @Flag(help: "Leave the pooler out (timm's VisionTransformer has none; ViTForImageClassification neither).")
    var dropPooler = false
    @Flag(help: "With --to jax: write a big_vision scanned npz (every block's tensors stacked along axis 0).")
    var scanned = false
    @OptionGroup var vit: ViTOptions
    @OptionGroup var progressOptions: ProgressOptions

    func run() throws {
        let src = try vit.vit(source)
        var options = Conversion.Options(dtype: dtype, force: force, allowUnused: allowUnused, dropPooler: dropPooler,
                                          scanned: scanned)
        let progress = progressOptions.bar("tensors")
        options.progress = { progress.update(done: $0, total: $1) }
        let result = try { defer { progress.clear() }
            return try Conversion.convert(src, to: to, destination: destination, options: options)
        }()
        printText("wrote \(result.destination) (\(to.rawValue), \(result.tensors) tensors, \(result.bytes) bytes of data) from \(src.scheme.id.rawValue) scheme")
        for name in result.droppedUnused { printText("dropped unused tensor: \(name)") }
        if let choice = result.qkvBias { printError("note: \(src.checkpoint.path): \(choice)") }
        if dropPooler, src.config.hasPooler { printText("dropped the pooler (--drop-pooler)") }
        for name in result.droppedParameters {
            printError("note: \(src.checkpoint.path): \(name == "mask" ? "the DINOv2 mask token (pre-training only)" : name) has no name in \(to.rawValue): left out")
        }
        if let folded = result.foldedClassPosition {
            printError(folded ? "note: class position added to cls_token and dropped from pos_embed (timm no_embed_class, as timm converts DINOv2 with registers)"
                              : "note: position table given a zero class row (\(to.rawValue) always has one; cls_token already holds it)")
        }
    }
}
