import ArgumentParser
import VitKit

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a checkpoint's outputs against stored expectations, or against another checkpoint.",
        discussion: """
        vitkit verify CKPT --expectations FILE          compare with expected outputs (PASS/FAIL per image)
        vitkit verify CKPT --record FILE IMAGE...       write an expectations file from vitkit's outputs
        vitkit verify A --against B IMAGE...            compare two checkpoints' outputs directly
        Exits 0 only if everything passes.
        """
    )

    @Argument(help: "Checkpoint to verify (any format).") var checkpoint: String
    @Argument(help: "Images (with --record or --against).") var images: [String] = []
    @Option(help: "Expectations file (format vitkit-expectations v1).") var expectations: String?
    @Option(help: "Write an expectations file from this checkpoint's outputs on IMAGES.") var record: String?
    @Option(help: "Another checkpoint to compare with on IMAGES.") var against: String?
    @Option(help: "Absolute tolerance (default: the expectations file's, else 1e-4).") var atol: Double?
    @Option(help: "Relative tolerance (default: the expectations file's, else 0).") var rtol: Double?
    @Option(help: "Square resolution for --record/--against.") var imageSize: Int?
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Replace an existing --record file.") var force = false
    @Flag(help: "Ignore stored tensors that are not part of the graph.") var allowUnused = false
    @OptionGroup var vit: ViTOptions
    @OptionGroup var computeOptions: ComputeOptions
    @OptionGroup var progressOptions: ProgressOptions

    func validate() throws {
        let modes = [expectations, record, against].compactMap { $0 }.count
        guard modes == 1 else { throw ValidationError("give exactly one of --expectations, --record, --against") }
        if expectations != nil, !images.isEmpty { throw ValidationError("images come from the expectations file") }
        if expectations == nil, images.isEmpty { throw ValidationError("give images to run") }
        try NumericOption.tolerance(atol, "--atol")
        try NumericOption.tolerance(rtol, "--rtol")
        try NumericOption.positive(imageSize, "--image-size")
    }

    func run() throws {
        let model = try vit.vit(checkpoint)
        let compute = computeOptions.compute
        computeOptions.noteFallback()
        let progress = progressOptions.bar("images")
        defer { progress.clear() }
        if compute == .bf16, expectations != nil, atol == nil {
            printError("note: --compute bf16 outputs differ from float32 by about 1e-2; the tolerances are the expectations file's: give --atol/--rtol")
        }
        if let out = record {
            let inputs = model.checkpoint.inputFiles + images
            try OutputGuard.check(out, inputs: inputs, replace: force, output: .file)  // before running the model
            let e = try VerifyRun.record(model, images: images, imageSize: imageSize, outputPath: out,
                                         atol: atol ?? 1e-4, rtol: rtol ?? 0, allowUnused: allowUnused, compute: compute,
                                         progress: progress.update)
            progress.clear()
            try e.write(to: out, inputs: inputs, replace: force)
            printText("recorded \(e.images.count) images to \(out)")
            return
        }
        let result: Verification
        if let other = against {
            result = try VerifyRun.compare(model, against: vit.vit(other), images: images, imageSize: imageSize,
                                           atol: atol ?? 1e-4, rtol: rtol ?? 0, allowUnused: allowUnused, compute: compute,
                                           progress: progress.update)
        } else {
            let e = try Expectations(path: expectations!)
            result = try VerifyRun.run(model, expectations: e, atol: atol, rtol: rtol, allowUnused: allowUnused, compute: compute,
                                       progress: progress.update)
        }
        progress.clear()
        if json {
            print(result.json.prettyText)
        } else {
            for r in result.results {
                let checks = r.checks.map { "\($0.output) max|diff| \(sci($0.maxAbsDiff))" }.joined(separator: ", ")
                let top = r.top1Agrees.map { " top1 \($0 ? "same" : "DIFFERS"), top5 \(r.top5Agrees! ? "same" : "differs")" } ?? ""
                let nonFinite = r.nonFinite.isEmpty ? "" : " (NOT FINITE: \(r.nonFinite.joined(separator: ", ")) hold NaN or infinity)"
                printText("\(r.passed ? "PASS" : "FAIL")  \(r.image): \(checks)\(top)\(nonFinite)")
            }
            let worst = result.results.flatMap(\.checks).map(\.maxAbsDiff).max() ?? 0
            printText("\(result.passed ? "PASS" : "FAIL"): \(result.results.filter(\.passed).count)/\(result.results.count) images within atol \(sci(result.atol)), rtol \(sci(result.rtol)) (worst max|diff| \(sci(worst)))")
        }
        if !result.passed { throw ExitCode(1) }
    }

    func sci(_ v: Double) -> String { v == 0 ? "0" : "\(Float(v))" }
}
