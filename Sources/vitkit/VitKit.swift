import ArgumentParser
import Tensors
import VisionTransformer

@main
struct VitKit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vitkit",
        abstract: "Inspect, convert and run Vision Transformer checkpoints (safetensors, NumPy, HDF5).",
        version: VitKitVersion.current,
        subcommands: [Inspect.self, Convert.self, Diff.self, Predict.self, Verify.self]
    )

    static func main() {
        MemoryPolicy.returnLargeBuffersToTheSystem()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
