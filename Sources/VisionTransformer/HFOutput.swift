import Tensors

/// The `config.json` (and `preprocessor_config.json`) written beside HF/TF weights.
enum HFOutput {
    static func writeConfigs(dir: String, source: ViTCheckpoint, config: ViTConfig, dtype: DType) throws {
        let arch = config.hasClassifier ? "ViTForImageClassification" : "ViTModel"
        try writeText(FileSystem.join(dir, "config.json"), config.huggingFaceJSON(architecture: arch, torchDType: torchName(dtype)).prettyText + "\n")
        if let pre = source.preprocessorConfig {
            try writeText(FileSystem.join(dir, "preprocessor_config.json"), pre.prettyText + "\n")
        }
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
