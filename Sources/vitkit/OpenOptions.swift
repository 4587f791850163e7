import ArgumentParser
import VitKit

extension ContainerFormat: ExpressibleByArgument {}

/// Flags shared by every command that opens a checkpoint.
struct OpenOptions: ParsableArguments {
    @Option(help: "Use this config.json instead of the one beside the weights.")
    var config: String?

    @Flag(name: .customLong("npy-v2-as-bf16"), help: "Read NumPy '<V2' arrays as bfloat16 (as ml_dtypes writes them).")
    var v2AsBF16 = false

    @Option(help: ArgumentHelp(
        "Read this container format.",
        discussion: "For a directory holding several weights files (e.g. model.safetensors and tf_model.h5): read the one of this format instead of the default (safetensors first). For a file: refuse it unless it is this format."))
    var format: ContainerFormat?

    var options: Checkpoint.Options { .init(bf16FromV2: v2AsBF16, configPath: config, format: format) }

    func checkpoint(_ path: String) throws -> Checkpoint {
        try Checkpoint.open(path, options: options)
    }
}
