import ArgumentParser
import Checkpoints

/// Flags shared by every command that opens a checkpoint.
struct OpenOptions: ParsableArguments {
    @Option(help: "Use this config.json instead of the one beside the weights.")
    var config: String?

    @Flag(name: .customLong("npy-v2-as-bf16"), help: "Read NumPy '<V2' arrays as bfloat16 (as ml_dtypes writes them).")
    var v2AsBF16 = false

    func checkpoint(_ path: String) throws -> Checkpoint {
        try Checkpoint.open(path, options: .init(bf16FromV2: v2AsBF16, configPath: config))
    }
}
