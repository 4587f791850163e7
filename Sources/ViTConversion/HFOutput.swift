import ViTModel
import Tensors

/// The `config.json` (and `preprocessor_config.json`) written beside HF/TF weights.
enum HFOutput {
    static func writeConfigs(dir: String, source: ViTCheckpoint, config: ViTConfig, dtype: DType) throws {
        try writeText(FileSystem.join(dir, "config.json"), config.huggingFaceFamilyJSON(torchDType: torchName(dtype)).prettyText + "\n")
        if let pre = source.preprocessorConfig {
            try writeText(FileSystem.join(dir, "preprocessor_config.json"), pre.prettyText + "\n")
        }
    }

    /// Whether `name` is a file vitkit writes (or the shards and indexes transformers writes
    /// beside them) in a Hugging Face directory or keras-hub preset: the only entries `--force`
    /// may replace.
    static let isWrittenByVitkit: @Sendable (String) -> Bool = { name in
        let fixed: Set<String> = ["config.json", "preprocessor_config.json", "model.safetensors", "model.safetensors.index.json",
                                  "tf_model.h5", "tf_model.h5.index.json"]
        if fixed.contains(name) || KerasPresetOutput.fileNames.contains(name) { return true }
        return isShard(name, prefix: "model-", suffix: ".safetensors") || isShard(name, prefix: "tf_model-", suffix: ".h5")
    }

    /// `model-00001-of-00003.safetensors`.
    static func isShard(_ name: String, prefix: String, suffix: String) -> Bool {
        guard name.hasPrefix(prefix), name.hasSuffix(suffix) else { return false }
        let middle = name.dropFirst(prefix.count).dropLast(suffix.count).split(separator: "-", omittingEmptySubsequences: false)
        return middle.count == 3 && middle[1] == "of" && [middle[0], middle[2]].allSatisfy { $0.count == 5 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }

    static func torchName(_ dtype: DType) -> String {
        switch dtype {
        case .f16: "float16"
        case .bf16: "bfloat16"
        case .f64: "float64"
        default: "float32"
        }
    }

    static func writeText(_ path: String, _ text: String) throws {
        let w = try AtomicFileWriter(destination: path)
        try w.write(Array(text.utf8))
        try w.commit()
    }
}
