import ArgumentParser
import VitKit
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

@main
struct VitKitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vitkit",
        abstract: "Inspect, convert and run Vision Transformer checkpoints (safetensors, NumPy, HDF5).",
        version: VitKitVersion.current,
        subcommands: [Inspect.self, Convert.self, Diff.self, Predict.self, Attention.self, Verify.self, Evaluate.self, Embed.self, Index.self, Search.self, Bench.self]
    )

    static func main() {
        MemoryPolicy.returnLargeBuffersToTheSystem()
        Interruption.installHandlers(messagePrefix: "Error: ")
        do {
            var command = try parseAsRoot(rawArguments())
            try command.run()
            try finishStandardOutput()
        } catch {
            let error = HintedError(error) ?? error
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                print(message)
                Glibc.exit((try? finishStandardOutput()) == nil ? 1 : 0)
            }
            _ = try? finishStandardOutput()
            if !message.isEmpty { printError(Terminal.escape(Terminal.shorten(message), keepNewlines: true)) }
            Glibc.exit(code.rawValue)
        }
    }

    /// The arguments with every byte kept: `CommandLine.arguments` replaces bytes that are
    /// not UTF-8 (file names can hold them) with U+FFFD, after which the file cannot be opened.
    static func rawArguments() -> [String] {
        (1..<Int(CommandLine.argc)).compactMap { i in CommandLine.unsafeArgv[i].map { SystemPath.decode(cString: $0) } }
    }

    /// Flushes stdout; a failed write of results (a full disk, a closed pipe) is an error.
    static func finishStandardOutput() throws {
        if fflush(stdout) != 0 || ferror(stdout) != 0 {
            throw CLIError("cannot write the output to standard output: \(FileSystem.errnoText())")
        }
    }
}

/// An error of the command line itself (not of a file or model).
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
