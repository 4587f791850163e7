import VitKit

/// One-line notes on stderr about what vitkit chose for the user: which weights file of a
/// directory it read, and which config values it did not read from a config file.
enum Notes {
    /// Names the weights file read when the directory held others too.
    static func weights(_ checkpoint: Checkpoint) -> String? {
        guard !checkpoint.otherWeights.isEmpty else { return nil }
        func name(_ path: String) -> String { FileSystem.baseName(of: path) }
        let all = [checkpoint.weightsPath] + checkpoint.otherWeights
        let listed = all.count == 2 ? "\(name(all[0])) and \(name(all[1]))" : all.map(name).joined(separator: ", ")
        let formats = ContainerFormat.allCases.filter { f in
            checkpoint.otherWeights.contains { f.matches(fileName: name($0)) } && !f.matches(fileName: name(checkpoint.weightsPath))
        }
        let choose = formats.isEmpty ? "give the file's path" : "choose with --format \(formats.map(\.rawValue).joined(separator: "|")) or give the file's path"
        return "note: \(checkpoint.path) holds \(listed); read \(name(checkpoint.weightsPath)) (\(choose))"
    }

    /// Names the config values not read from a config file: the keys a `config.json` lacks,
    /// or, without one, the guesses that show in the results (placeholder labels, head count).
    static func config(_ checkpoint: ViTCheckpoint) -> String? {
        let keys = checkpoint.inferredConfigKeys
        let c = checkpoint.config
        let placeholderLabels = keys.contains("id2label") && c.hasClassifier
        var parts: [String] = []
        if let path = checkpoint.checkpoint.configPath, path == checkpoint.configOrigin {
            guard !keys.isEmpty else { return nil }
            let defaulted = keys.filter { $0 == "layer_norm_eps" || $0 == "hidden_act" }
            let defaults = defaulted.isEmpty ? "" : " (\(defaulted.joined(separator: ", ")): the \(checkpoint.scheme.id.rawValue) defaults \(c.layerNormEps), \(c.hiddenAct.rawValue))"
            parts.append("\(path) does not give \(keys.joined(separator: ", ")); used the tensor shapes instead\(defaults)")
        } else {
            guard placeholderLabels || c.headsAssumed else { return nil }
            parts.append("\(checkpoint.checkpoint.path) has no config.json; the config is inferred from the tensor shapes")
        }
        if placeholderLabels { parts.append("labels are placeholders LABEL_0..LABEL_\(c.numLabels - 1) (give a config with id2label)") }
        if c.headsAssumed { parts.append("head count assumed hidden_size/64 = \(c.numAttentionHeads) (pass --heads or --config)") }
        return "note: " + parts.joined(separator: "; ")
    }

    /// Prints the notes for a checkpoint opened as a ViT.
    static func print(_ checkpoint: ViTCheckpoint) {
        print(checkpoint.checkpoint)
        if let note = config(checkpoint) { printError(note) }
        if let note = qkvBias(checkpoint) { printError(note) }
    }

    /// Says that a TF file's q/k/v biases are used although its config says `qkv_bias: false`.
    static func qkvBias(_ checkpoint: ViTCheckpoint) -> String? {
        guard checkpoint.qkvBiasFromTFWeights else { return nil }
        return "note: \(checkpoint.configOrigin) says qkv_bias false, but \(FileSystem.baseName(of: checkpoint.checkpoint.weightsPath)) "
            + "stores q/k/v biases (transformers-TF always builds them); they are used"
    }

    /// Prints the note for a checkpoint opened as tensors.
    static func print(_ checkpoint: Checkpoint) {
        if let note = weights(checkpoint) { printError(note) }
    }
}
