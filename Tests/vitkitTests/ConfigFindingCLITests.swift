import Foundation
import Tensors
import Testing

/// The crafted configs, expectations and npz of `Fuzz/findings/configs/` (made by its
/// `make_configs.py`) through the real binary: one line naming the file, exit status 1.
@Suite("config and manifest findings through the CLI")
struct ConfigFindingCLITests {
    static func finding(_ name: String) -> String {
        CLI.root.appendingPathComponent("Fuzz/findings/configs/\(name)").path
    }

    /// A copy of the sample model directory `model` with `file` replaced by the finding `crafted`.
    static func model(_ model: String, replacing file: String, with crafted: String) throws -> String {
        let dir = try CLI.tempDir().appendingPathComponent("model").path
        try FileManager.default.copyItem(atPath: CLI.sample(model), toPath: dir)
        try FileManager.default.removeItem(atPath: dir + "/" + file)
        try FileManager.default.copyItem(atPath: finding(crafted), toPath: dir + "/" + file)
        return dir
    }

    static let grid = "image_size 4611686018427387904 / patch_size 16 gives 288230376151711744 x 288230376151711744 patches, more than a 64-bit count"

    /// A sample model with one crafted file in place: `predict` exits 1 with one error line
    /// naming that file (notes aside), and `inspect --json` reports the same as its `vit_error`.
    /// - image_size 2^62 (transformers) or image_shape [2^62, 2^62, 3] (keras-hub): the patch grid
    ///   squared overflowed in `ViTConfig.sequenceLength` and the process trapped (SIGILL);
    /// - keras-hub values of the wrong type: the error named no file, or the value was accepted;
    /// - a DINOv2-with-registers config stating 3 registers over 2 stored ran the 2 silently;
    /// - task.json asking for 3 classes over 5 stored ones ran with 5 (keras-hub cannot load it).
    @Test(arguments: [
        ("models/hf-classifier", "config.json", "hf-image-size-2p62.config.json", grid),
        ("models/keras-hub/classifier", "config.json", "keras-hub-image-shape-2p62.config.json", grid),
        ("models/keras-hub/classifier", "config.json", "keras-hub-image-shape-string.config.json",
         "image_shape must be an integer or a list of 3 integers, found \"64\""),
        ("models/keras-hub/classifier", "config.json", "keras-hub-image-shape-4d.config.json",
         "image_shape must be an integer or a list of 3 integers, found [64,64,3,1]"),
        ("models/keras-hub/classifier", "config.json", "keras-hub-use-class-token-string.config.json",
         "use_class_token must be true or false, found \"no\""),
        ("models/family/hf-dinov2-reg", "config.json", "dinov2-reg-3.config.json",
         "num_register_tokens is 3 but the weights hold 2 register tokens"),
        ("models/keras-hub/classifier", "task.json", "keras-hub-num-classes-3.task.json",
         "num_classes is 3 but the classifier weights have 5 outputs"),
    ])
    func aCraftedConfigIsOneLineNamingIt(model: String, file: String, crafted: String, message: String) throws {
        let dir = try Self.model(model, replacing: file, with: crafted)
        let want = "invalid ViT config: \(dir)/\(file): \(message)"
        let r = try CLI.run(["predict", dir, CLI.sample("images/chelsea.png")])
        #expect(r.status == 1, "\(r.stdout.prefix(200))")
        #expect(r.stderr.split(separator: "\n").filter { !$0.hasPrefix("note: ") } == ["Error: \(want)"], "\(r.stderr.prefix(300))")
        let inspect = try CLI.run(["inspect", dir, "--json"])
        #expect(inspect.json?["vit_error"]?.stringValue == want, "\(inspect.stdout.prefix(300))")
    }

    /// A transformers ViT of 1-channel images: every image command preprocessed to RGB, then
    /// failed with "pixel buffer has 192 values, expected 1x1x8x8", naming nothing.
    @Test(arguments: [["predict"], ["embed", "-o", "never-written.npy"], ["attention", "-o", "never-written.png"]])
    func aModelOfOneChannelImagesIsRefusedNamingIt(command: [String]) throws {
        let dir = Self.finding("vit-1-channel")
        let out = try CLI.tempDir().path
        let r = try CLI.run([command[0], dir, CLI.sample("images/chelsea.png")] + command.dropFirst().map { $0 == "-o" ? $0 : out + "/" + $0 })
        #expect(r.status == 1)
        #expect(r.stderr.hasSuffix("\nError: \(dir): a model of 1-channel images (vitkit preprocesses to RGB, "
            + "3 channels, as transformers' image processors do) is not supported yet\n"), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).isEmpty)
    }

    /// A native file whose `vitkit.config` metadata has a value vitkit does not know: the
    /// error named no file.
    @Test func aNativeConfigErrorNamesTheFile() throws {
        let path = Self.finding("native-mlp-swish.safetensors")
        let r = try CLI.run(["predict", path, CLI.sample("images/chelsea.png")])
        #expect(r.status == 1)
        #expect(r.stderr == "Error: invalid ViT config: \(path) (config vitkit metadata): mlp must be one of mlp, swiglu, found \"swish\"\n",
                "\(r.stderr)")
    }

    /// An expectations file's preprocessing: errors name it, and an image_size that is not an
    /// integer is refused instead of ignored.
    @Test(arguments: [
        ("expectations-image-size-17.json", "preprocessing.image_size: image size 17 must be a positive multiple of the patch size 16"),
        ("expectations-image-size-string.json", "preprocessing.image_size must be an integer in 1...65535, found \"64\""),
        ("expectations-image-mean-1.json", "invalid preprocessor config: 'image_mean' must be a number or a list of 3 numbers, found [0.5]"),
    ])
    func expectationsPreprocessingErrorsNameTheFile(crafted: String, message: String) throws {
        let path = Self.finding(crafted)
        let r = try CLI.run(["verify", CLI.sample("models/hf-classifier"), "--expectations", path])
        #expect(r.status == 1, "\(r.stdout)")
        #expect(r.stderr == "Error: \(path): \(message)\n", "\(r.stderr)")
    }

    /// DINOv2 whose processor crops 28 px under a config saying 56: vitkit ran at 56 (the
    /// config's size won over crop_size); transformers runs at 28, interpolating the positions.
    @Test func dinov2RunsAtItsProcessorsCropLikeTransformers() throws {
        let dir = try Self.model("models/family/hf-dinov2", replacing: "preprocessor_config.json",
                                 with: "dinov2-crop-28.preprocessor_config.json")
        let expected = try JSON.parse(Array(Data(contentsOf: URL(fileURLWithPath: Self.finding("dinov2-crop-28.expected.json")))))
        let images = expected["images"]?.arrayValue ?? []
        #expect(images.count == 2)
        let r = try CLI.run(["predict", dir] + images.compactMap { $0["image"]?.stringValue } + ["--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let results = r.json?["results"]?.arrayValue ?? []
        #expect(results.count == 2, "\(r.stdout.prefix(300))")
        for (want, got) in zip(images, results) {
            let a = want["pooler_output"]?.arrayValue?.compactMap(\.doubleValue) ?? []
            let b = got["pooler_output"]?.arrayValue?.compactMap(\.doubleValue) ?? []
            #expect(a.count == 48 && b.count == 48)
            let diff = zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
            #expect(diff < 1e-4, "\(want["image"]?.stringValue ?? ""): max |diff| \(diff)")
        }
    }

    /// A ViT whose processor resizes to 32 px under a config saying 64 ran at 64 (the config's
    /// size won); transformers refuses such pixels. An explicit run size still resizes.
    @Test func aViTProcessorOfAnotherSizeIsRefused() throws {
        let dir = try Self.model("models/hf-classifier", replacing: "preprocessor_config.json", with: "vit-size-32.preprocessor_config.json")
        let r = try CLI.run(["predict", dir, CLI.sample("images/chelsea.png")])
        #expect(r.status == 1)
        #expect(r.stderr == "Error: \(dir)/preprocessor_config.json: invalid preprocessor config: the processor's output is 32 x 32 pixels "
            + "but the model runs at 64 x 64 (config image_size), which transformers' ViT classes refuse; ask for a run size to resize "
            + "to it instead (--image-size N)\n", "\(r.stderr)")
        let asked = try CLI.run(["predict", dir, CLI.sample("images/chelsea.png"), "--image-size", "32"])
        #expect(asked.status == 0, "\(asked.stderr)")
    }

    /// One stray member of block 9999 in a 20 KB npz: the mapping error printed ~160,000 lines.
    @Test func aHugeMappingReportIsCut() throws {
        let path = Self.finding("jax-block-9999.npz")
        let r = try CLI.run(["predict", path, CLI.sample("images/chelsea.png")])
        #expect(r.status == 1)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count < 110, "\(lines.count) lines")
        #expect(r.stderr.contains("  ... and 159883 more problems\n"), "\(r.stderr.suffix(300))")
    }
}
