import ArgumentParser
import VitKit

extension NamingScheme.ID: ExpressibleByArgument {}

/// Flags for opening a checkpoint as a ViT.
struct ViTOptions: ParsableArguments {
    @OptionGroup var open: OpenOptions

    @Option(help: "Naming scheme of the source: hf, tf, jax, timm, native or keras (detected when omitted).")
    var scheme: NamingScheme.ID?

    @Option(help: "Number of attention heads when neither config.json nor the tensors say (default: hidden size / 64).")
    var heads: Int?

    @Option(help: ArgumentHelp("Refuse a checkpoint whose graph has more parameters than this.", valueName: "n"))
    var maxParameters: Int = ViTLimits.defaultMaxParameters

    @Option(help: ArgumentHelp("Refuse a checkpoint with more classifier labels than this.", valueName: "n"))
    var maxLabels: Int = ViTLimits.defaultMaxLabels

    func validate() throws {
        try NumericOption.positive(heads, "--heads")
        guard maxParameters > 0 else { throw ValidationError("--max-parameters must be positive, found \(maxParameters)") }
        guard maxLabels > 0 else { throw ValidationError("--max-labels must be positive, found \(maxLabels)") }
    }

    /// Opens `path` as a ViT and notes on stderr which config values were not read from a config.
    func vit(_ path: String) throws -> ViTCheckpoint {
        let checkpoint = try ViTCheckpoint(path: path, options: options)
        Notes.print(checkpoint)
        return checkpoint
    }

    /// The library options these flags ask for.
    var options: ViTCheckpoint.Options {
        .init(scheme: scheme, heads: heads, checkpoint: open.options, limits: limits)
    }

    var limits: ViTLimits { ViTLimits(maxParameters: maxParameters, maxLabels: maxLabels) }
}
