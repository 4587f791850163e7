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
            exit(withError: LimitHint(error) ?? error)
        }
    }
}

/// A library limit error with the flag that raises the limit (the library never names flags).
struct LimitHint: Error, CustomStringConvertible {
    let description: String

    init?(_ error: any Error) {
        guard case .limitExceeded(_, let kind, _, _, _)? = error as? ViTError else { return nil }
        let flag = kind == .labels ? "--max-labels" : "--max-parameters"
        description = "\(error) (pass \(flag) N to allow more)"
    }
}
