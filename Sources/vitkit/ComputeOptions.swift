import ArgumentParser
import VitKit

extension ComputePrecision: ExpressibleByArgument {}
extension MatrixBackend: ExpressibleByArgument {}

/// `--compute f32|bf16`, for the commands that run the model.
struct ComputeOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Arithmetic of the linear layers: f32 (default), or bf16 (bfloat16 inputs and weights, float32 accumulation; AMX or AVX512-BF16 kernels, f32 on CPUs with neither). bf16 outputs differ from f32 by about 1e-2.",
        valueName: "f32|bf16"))
    var compute: ComputePrecision = .f32

    /// Notes on stderr when bf16 was asked for on a CPU without bf16 kernels.
    func noteFallback() {
        if compute == .bf16, !ViTForward.hasBF16Kernels {
            printError("note: this CPU has neither AMX nor AVX512-BF16: --compute bf16 runs in f32")
        }
    }
}
