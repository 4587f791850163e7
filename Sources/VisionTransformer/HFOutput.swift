import Tensors

/// The `config.json` (and `preprocessor_config.json`) written beside HF/TF weights.
enum HFOutput {
    static func writeConfigs(dir: String, source: ViTCheckpoint, config: ViTConfig) throws {
        let arch = config.hasClassifier ? "ViTForImageClassification" : "ViTModel"
        try writeText(FileSystem.join(dir, "config.json"), config.huggingFaceJSON(architecture: arch).prettyText + "\n")
        if let pre = source.preprocessorConfig {
            try writeText(FileSystem.join(dir, "preprocessor_config.json"), pre.prettyText + "\n")
        }
    }

    static func writeText(_ path: String, _ text: String) throws {
        let w = try AtomicFileWriter(destination: path)
        try w.write(Array(text.utf8))
        try w.commit()
    }
}
